package io.mlsys.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code mlsys.yaml} and repository {@code config.yaml} files strictly through {@link
 * ConfigBinder}: keys are lower-case with dashes, an unknown key fails with its full path, a value
 * of the wrong type is never coerced, and every violation in the file is reported at once in one
 * {@link ConfigException}.
 *
 * <p>String values may use {@code ${NAME}} or {@code ${NAME:-default}} to read the environment
 * (write <code>$${</code> for a literal <code>${</code>); a variable that is unset and has no
 * default is an error naming the key. A value that comes from a variable is read as text, so {@code
 * port: ${PORT}} works. Relative paths resolve against the folder of the file.
 */
public final class ConfigLoader {
  /** The conventional name of the main file. */
  public static final String FILE_NAME = "mlsys.yaml";

  /** The name of a repository model's optional config file, {@code DIR/<model>/config.yaml}. */
  public static final String MODEL_CONFIG_FILE_NAME = "config.yaml";

  /** Config files larger than this are refused. */
  public static final int MAX_FILE_BYTES = ConfigDocument.MAX_FILE_BYTES;

  /** Keys of a model that only one of the two files has. */
  private static final String VERSION_POLICY = "version-policy";

  private static final List<String> MAIN_FILE_ONLY = List.of("uri", "version");

  /**
   * The keys of mlsys.yaml, bound by {@link ConfigBinder}. Graphs are still read by {@link
   * GraphReader} from the tree as written.
   */
  record MlsysFile(
      ServerConfig server,
      ModelRepositoryConfig modelRepository,
      OnnxConfig onnx,
      Map<String, ModelConfig> models,
      JsonNode graphs) {}

  private ConfigLoader() {}

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
   * Loads a repository model's {@code config.yaml}. Its {@code labels} path resolves against the
   * model folder (the file's folder). The result has no uri: the versions are the model's folders.
   *
   * @throws ConfigException listing every problem in the file
   */
  public static ModelConfig loadModelConfig(Path file, Map<String, String> environment) {
    return modelConfig(ConfigDocument.read(file, environment));
  }

  /** Parses the text of a repository model's {@code config.yaml}; see {@link #loadModelConfig}. */
  public static ModelConfig parseModelConfig(
      String yaml, Path modelDir, Map<String, String> environment) {
    return modelConfig(ConfigDocument.parse(yaml, MODEL_CONFIG_FILE_NAME, modelDir, environment));
  }

  /**
   * Every key path mlsys.yaml accepts, e.g. {@code server.port} and {@code models.<name>.uri}; the
   * documentation lists each one. Graph nodes nest, so their keys are listed once with
   * placeholders: {@code <node>} is any node ({@code graphs.<name>}, a step, a branch, a rule, a
   * stage, a switch's default), {@code <transform>} an item of a transform list, e.g. {@code
   * <node>.ensemble.branches.<branch>.weight} and {@code <transform>.image.width}.
   */
  public static List<String> keyPaths() {
    List<String> paths = new ArrayList<>();
    for (String path : ConfigBinder.keyPaths(MlsysFile.class, ConfigBinder.installedFamilies())) {
      if (!path.startsWith("graphs")
          && !path.equals("models.<name>." + VERSION_POLICY)
          && !path.startsWith("models.<name>." + VERSION_POLICY + ".")) {
        paths.add(path);
      }
    }
    paths.addAll(GraphReader.keyPaths());
    return List.copyOf(paths);
  }

  /**
   * Every key path a repository model's config.yaml accepts, e.g. {@code version-policy.latest}.
   */
  public static List<String> modelConfigKeyPaths() {
    return ConfigBinder.keyPaths(ModelConfig.class, ConfigBinder.installedFamilies()).stream()
        .filter(path -> !MAIN_FILE_ONLY.contains(path))
        .toList();
  }

  // ---- documents

  private static MlsysConfig mlsys(ConfigDocument document) {
    Violations violations = document.violations();
    JsonNode models = document.root().path("models");
    if (models.isObject()) {
      models
          .properties()
          .forEach(
              model -> {
                if (model.getValue().has(VERSION_POLICY)) {
                  violations.add(
                      "models." + model.getKey() + "." + VERSION_POLICY,
                      "only in a repository model's config.yaml (expected here: uri and version)");
                }
              });
    }
    MlsysFile file;
    try {
      file = ConfigBinder.bind(document, MlsysFile.class);
    } catch (ConfigException e) {
      throw withoutKeys(
          withNameAndGraphViolations(document, e), "models.", List.of(VERSION_POLICY));
    }
    Path repository = file.modelRepository() == null ? null : file.modelRepository().path();
    if (repository != null && !Files.isDirectory(repository)) {
      violations.invalid(
          "model-repository.path", repository.toString(), ModelRepositoryConfig.EXPECTED_PATH);
    }
    Map<String, GraphConfig> graphs = graphs(document);
    Map<String, ModelConfig> resolved = new LinkedHashMap<>();
    if (file.models() != null) {
      file.models()
          .forEach(
              (name, model) ->
                  resolved.put(
                      name, model == null ? null : model.resolvedAgainst(document.baseDir())));
    }
    MlsysConfig config = null;
    try {
      config =
          new MlsysConfig(file.server(), file.modelRepository(), file.onnx(), resolved, graphs);
    } catch (ConfigException e) {
      violations.addAll("", e);
    }
    violations.throwIfAny(document.source());
    return config;
  }

  /**
   * The binder's violations, the graphs' and those of the names of models and graphs, which {@link
   * MlsysConfig} checks: it is built here with models that only say whether they have a uri.
   */
  private static ConfigException withNameAndGraphViolations(
      ConfigDocument document, ConfigException bound) {
    Violations all = new Violations();
    bound.violations().forEach(all::add);
    TreeReader values = new TreeReader(document.environment(), document.baseDir());
    Map<String, GraphConfig> graphs =
        new GraphReader(values).graphs(document.written().get("graphs"));
    values.violations().list().forEach(all::add);
    Map<String, ModelConfig> models = new LinkedHashMap<>();
    JsonNode written = document.root().path("models");
    if (written.isObject()) {
      written
          .properties()
          .forEach(
              model ->
                  models.put(
                      model.getKey(),
                      ModelConfig.of(model.getValue().has("uri") ? "stand-in.onnx" : null)));
    }
    try {
      new MlsysConfig(null, null, null, models, graphs);
    } catch (ConfigException e) {
      all.addAll("", e);
    }
    return new ConfigException(document.source(), all.list());
  }

  private static Map<String, GraphConfig> graphs(ConfigDocument document) {
    TreeReader values = new TreeReader(document.environment(), document.baseDir());
    Map<String, GraphConfig> graphs =
        new GraphReader(values).graphs(document.written().get("graphs"));
    values.violations().list().forEach(document.violations()::add);
    return graphs;
  }

  /**
   * {@link ModelConfig} holds the keys of both files; an unknown key's message lists only those of
   * the file it is in ({@code under} is where models sit in it).
   */
  private static ConfigException withoutKeys(
      ConfigException e, String under, List<String> otherFileKeys) {
    String prefix = ConfigBinder.UNKNOWN_KEY;
    List<ConfigViolation> violations = new ArrayList<>();
    for (ConfigViolation violation : e.violations()) {
      String path = violation.path();
      boolean modelKey =
          path.startsWith(under)
              && path.substring(under.length()).split("\\.").length == (under.isEmpty() ? 1 : 2);
      if (modelKey && violation.problem().startsWith(prefix)) {
        List<String> keys =
            new ArrayList<>(
                List.of(
                    violation
                        .problem()
                        .substring(prefix.length(), violation.problem().length() - 1)
                        .split(", ")));
        keys.removeAll(otherFileKeys);
        violation = new ConfigViolation(path, prefix + String.join(", ", keys) + ")");
      }
      violations.add(violation);
    }
    return new ConfigException(e.source(), violations);
  }

  private static ModelConfig modelConfig(ConfigDocument document) {
    JsonNode root = document.root();
    for (String key : MAIN_FILE_ONLY) {
      if (root.has(key)) {
        document
            .violations()
            .add(
                key, "only in mlsys.yaml (a repository model's versions are its numbered folders)");
      }
    }
    ModelConfig config;
    try {
      config = ConfigBinder.bind(document, ModelConfig.class);
    } catch (ConfigException e) {
      throw withoutKeys(e, "", MAIN_FILE_ONLY);
    }
    document.violations().throwIfAny(document.source());
    return config.resolvedAgainst(document.baseDir());
  }
}
