package io.mlsys.repository;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigBinder.HiddenKeys;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads a repository model's {@code config.yaml} ({@code DIR/<model>/config.yaml}) strictly through
 * {@link ConfigBinder}, as mlsys.yaml is read: every violation at once, each with its key path. Its
 * {@code labels} path resolves against the model folder.
 */
public final class ModelConfigLoader {
  /** The name of a repository model's optional config file. */
  public static final String FILE_NAME = "config.yaml";

  /** Keys of {@link ModelConfig} that only mlsys.yaml's {@code models:} has. */
  public static final List<String> MAIN_FILE_ONLY = List.of("uri", "registry", "version");

  /** Keys of {@link ModelConfig} that only a repository model's config.yaml has. */
  public static final List<String> REPOSITORY_ONLY = List.of("version-policy");

  /** What a config.yaml does not have of {@link ModelConfig}. */
  private static final HiddenKeys HIDDEN = HiddenKeys.of(ModelConfig.class, MAIN_FILE_ONLY);

  /** What {@code model-repository.path} must name. */
  public static final String EXPECTED_FOLDER = ModelRepositoryConfig.EXPECTED_PATH;

  private ModelConfigLoader() {}

  /**
   * Loads a repository model's {@code config.yaml}. The result has no uri: the versions are the
   * model's folders.
   *
   * @throws ConfigException listing every problem in the file
   */
  public static ModelConfig load(Path file, Map<String, String> environment) {
    return modelConfig(ConfigDocument.read(file, environment));
  }

  /** Parses the text of a repository model's {@code config.yaml}; see {@link #load}. */
  public static ModelConfig parse(String yaml, Path modelDir, Map<String, String> environment) {
    return modelConfig(ConfigDocument.parse(yaml, FILE_NAME, modelDir, environment));
  }

  /**
   * Every key path a repository model's config.yaml accepts, e.g. {@code version-policy.latest}.
   */
  public static List<String> keyPaths() {
    return ConfigBinder.keyPaths(ModelConfig.class, ConfigBinder.installedFamilies(), HIDDEN);
  }

  private static ModelConfig modelConfig(ConfigDocument document) {
    for (String key : MAIN_FILE_ONLY) {
      if (document.root().has(key)) {
        document
            .violations()
            .add(
                key, "only in mlsys.yaml (a repository model's versions are its numbered folders)");
      }
    }
    return ConfigBinder.bind(document, ModelConfig.class, HIDDEN)
        .resolvedAgainst(document.baseDir());
  }
}
