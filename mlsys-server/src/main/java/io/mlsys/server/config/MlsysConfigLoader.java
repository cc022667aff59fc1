package io.mlsys.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigBinder.HiddenKeys;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.graph.Condition;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelConfigLoader;
import io.mlsys.repository.ModelsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code mlsys.yaml} strictly through {@link ConfigBinder} into {@link MlsysConfig}: keys are
 * lower-case with dashes, an unknown key fails with its full path, a value of the wrong type is
 * never coerced, and every violation in the file is reported at once in one {@link
 * ConfigException}. Graph nodes and transform steps are bound through the config families their
 * modules install, so a node kind or a transform added on the class path is known here too.
 *
 * <p>String values may use {@code ${NAME}} or {@code ${NAME:-default}} to read the environment
 * (write <code>$${</code> for a literal <code>${</code>); a variable that is unset and has no
 * default is an error naming the key. A value that comes from a variable is read as text, so {@code
 * port: ${PORT}} works. Relative paths resolve against the folder of the file.
 */
public final class MlsysConfigLoader {
  /** The conventional name of the file. */
  public static final String FILE_NAME = "mlsys.yaml";

  /** What a model of mlsys.yaml does not have of {@link ModelConfig}. */
  private static final HiddenKeys HIDDEN =
      HiddenKeys.of(ModelConfig.class, ModelConfigLoader.REPOSITORY_ONLY);

  private MlsysConfigLoader() {}

  /** Loads an mlsys.yaml, reading {@code ${...}} from the process environment. */
  public static MlsysConfig load(Path file) {
    return load(file, System.getenv());
  }

  /**
   * Loads an mlsys.yaml.
   *
   * @param environment the variables {@code ${NAME}} reads
   * @throws ConfigException listing every problem in the file
   */
  public static MlsysConfig load(Path file, Map<String, String> environment) {
    return mlsys(ConfigDocument.read(file, environment));
  }

  /** Parses mlsys.yaml text, reading {@code ${...}} from the process environment. */
  public static MlsysConfig parse(String yaml, Path baseDir) {
    return parse(yaml, baseDir, System.getenv());
  }

  /**
   * Parses mlsys.yaml text.
   *
   * @param baseDir the folder relative paths resolve against
   * @param environment the variables {@code ${NAME}} reads
   * @throws ConfigException listing every problem in the text
   */
  public static MlsysConfig parse(String yaml, Path baseDir, Map<String, String> environment) {
    return mlsys(ConfigDocument.parse(yaml, FILE_NAME, baseDir, environment));
  }

  /**
   * Every key path mlsys.yaml accepts, e.g. {@code server.port} and {@code models.<name>.uri}; the
   * documentation lists each one. Graph nodes nest, so their keys are listed once under the
   * placeholder {@code <node>} (any node: {@code graphs.<name>}, a step, a branch, a rule, a stage,
   * a switch's default), and transform steps under {@code <transform>}: {@code
   * <node>.ensemble.branches.<name>.weight}, {@code <transform>.image.width}.
   */
  public static List<String> keyPaths() {
    return ConfigBinder.keyPaths(MlsysConfig.class, ConfigBinder.installedFamilies(), HIDDEN);
  }

  private static MlsysConfig mlsys(ConfigDocument document) {
    if (document.root().has("graphs")) {
      // Graphs may hold rules: CEL's compiler starts while the rest of the file is bound.
      Condition.prepareInBackground();
    }
    Violations violations = document.violations();
    JsonNode models = document.root().path("models");
    if (models.isObject()) {
      models
          .properties()
          .forEach(
              model -> {
                for (String key : ModelConfigLoader.REPOSITORY_ONLY) {
                  if (model.getValue().has(key)) {
                    violations.add(
                        "models." + model.getKey() + "." + key,
                        "only in a repository model's config.yaml (expected here: uri or registry,"
                            + " and version)");
                  }
                }
              });
    }
    MlsysConfig config;
    try {
      config = ConfigBinder.bind(document, MlsysConfig.class, HIDDEN);
    } catch (ConfigException e) {
      throw withNameViolations(document, e);
    }
    ModelsConfig sources = config.modelSources();
    Path repository = sources.modelRepository().path();
    if (repository != null && !Files.isDirectory(repository)) {
      violations.invalid(
          "model-repository.path", repository.toString(), ModelConfigLoader.EXPECTED_FOLDER);
    }
    violations.throwIfAny(document.source());
    Map<String, ModelConfig> resolved = new LinkedHashMap<>();
    sources
        .models()
        .forEach((name, model) -> resolved.put(name, model.resolvedAgainst(document.baseDir())));
    return config.withModelSources(sources.withModels(resolved));
  }

  /**
   * The binder's violations and those of the names of models and graphs, which {@link ModelsConfig}
   * and {@link MlsysConfig} check but could not when a part of the file failed: the names are read
   * from the file, the models built as models that only say whether they have a uri or a registry
   * reference.
   */
  private static ConfigException withNameViolations(
      ConfigDocument document, ConfigException bound) {
    Violations all = new Violations();
    bound.violations().forEach(all::add);
    Map<String, ModelConfig> models = new LinkedHashMap<>();
    JsonNode written = document.root().path("models");
    if (written.isObject()) {
      written
          .properties()
          .forEach(
              model ->
                  models.put(
                      model.getKey(),
                      ModelConfig.of(
                          model.getValue().has("uri") || model.getValue().has("registry")
                              ? "stand-in.onnx"
                              : null)));
    }
    try {
      new ModelsConfig(null, null, null, models);
    } catch (ConfigException e) {
      all.addAll("", e);
    }
    List<String> graphs = new ArrayList<>();
    document.root().path("graphs").fieldNames().forEachRemaining(graphs::add);
    MlsysConfig.checkGraphNames(graphs, models.keySet(), all);
    return new ConfigException(document.source(), all.list());
  }
}
