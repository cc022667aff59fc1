package io.mlsys.repository;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigLoader;
import io.mlsys.config.MlsysConfig;
import io.mlsys.config.ModelConfig;
import io.mlsys.config.VersionPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Finds what a model should serve: from {@code models:} in mlsys.yaml (one file, one version) or
 * from its repository folder ({@code DIR/<model>/<version>/model.onnx}, optional config.yaml,
 * version policy). Reads the disk; never loads a model.
 */
final class ModelScanner {
  /** The model file in each version folder. */
  static final String MODEL_FILE_NAME = "model.onnx";

  private static final System.Logger LOG = System.getLogger(ModelScanner.class.getName());

  private final MlsysConfig config;
  private final Map<String, String> environment;
  private final Path root;

  ModelScanner(MlsysConfig config, Map<String, String> environment) {
    this.config = config;
    this.environment = Map.copyOf(environment);
    this.root = config.modelRepository().path();
  }

  /** What one version will be loaded from, or why it cannot be. */
  record VersionPlan(String version, ModelSource source, String failure) {}

  /**
   * What a model serves.
   *
   * @param failure why the model as a whole cannot be served, or null
   * @param versions the selected versions, when there is no model-level failure
   */
  record Plan(String failure, List<VersionPlan> versions) {
    static Plan failed(String failure) {
      return new Plan(failure, List.of());
    }
  }

  /** Every model name defined: the keys of {@code models:} and the repository's model folders. */
  SortedSet<String> names() {
    SortedSet<String> names = new TreeSet<>(config.models().keySet());
    if (root == null) {
      return names;
    }
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        String name = child.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(child)) {
          continue;
        }
        if (ModelConfig.isValidName(name)) {
          names.add(name);
        } else {
          LOG.log(
              System.Logger.Level.WARNING,
              "skipping folder "
                  + child
                  + ": not a model name (expected: letters, digits, '_',"
                  + " '.' or '-')");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the model repository " + root, e);
    }
    return names;
  }

  /** Whether a model of that name is defined (in config or as a folder). */
  boolean exists(String name) {
    return config.models().containsKey(name) || folder(name) != null;
  }

  /** What {@code name} should serve now; null when it is not defined anywhere. Never throws. */
  Plan plan(String name) {
    ModelConfig configured = config.models().get(name);
    Path folder = folder(name);
    if (configured == null && folder == null) {
      return null;
    }
    if (configured != null && folder != null) {
      return Plan.failed(
          "defined twice: as models."
              + name
              + " in mlsys.yaml and as the folder "
              + folder
              + " (expected: one definition)");
    }
    try {
      return configured != null ? fileModel(name, configured) : folderModel(name, folder);
    } catch (IOException | UncheckedIOException e) {
      return Plan.failed("cannot read " + (folder != null ? folder : configured.uri()) + ": " + e);
    }
  }

  private Path folder(String name) {
    if (root == null || !ModelConfig.isValidName(name)) {
      return null;
    }
    Path folder = root.resolve(name);
    return Files.isDirectory(folder) ? folder : null;
  }

  private Plan fileModel(String name, ModelConfig model) {
    Map<String, String> labels;
    try {
      labels = Labels.read(model.labelsFile());
    } catch (Labels.InvalidLabelsException e) {
      return Plan.failed(e.getMessage());
    }
    return new Plan(null, List.of(version(name, model.version(), model.file(), model, labels)));
  }

  private Plan folderModel(String name, Path folder) throws IOException {
    ModelConfig model = ModelConfig.defaults();
    Path configFile = folder.resolve(ConfigLoader.MODEL_CONFIG_FILE_NAME);
    if (Files.exists(configFile)) {
      try {
        model = ConfigLoader.loadModelConfig(configFile, environment);
      } catch (ConfigException e) {
        return Plan.failed(e.getMessage());
      }
    }
    Map<String, String> labels;
    try {
      labels = Labels.read(model.labelsFile());
    } catch (Labels.InvalidLabelsException e) {
      return Plan.failed(e.getMessage());
    }
    List<String> available = new ArrayList<>();
    try (Stream<Path> children = Files.list(folder)) {
      for (Path child : children.toList()) {
        String version = child.getFileName().toString();
        if (ModelConfig.isValidVersion(version) && Files.isDirectory(child)) {
          available.add(version);
        }
      }
    }
    if (available.isEmpty()) {
      return Plan.failed(
          "no version folders in "
              + folder
              + " (expected: "
              + folder.resolve("<positive integer>").resolve(MODEL_FILE_NAME)
              + ")");
    }
    available.sort(Snapshot.VERSION_ORDER.reversed());
    List<String> selected =
        switch (model.versionPolicy()) {
          case VersionPolicy.Latest latest ->
              available.subList(0, Math.min(latest.count(), available.size()));
          case VersionPolicy.All all -> available;
          case VersionPolicy.Specific specific -> specific.versions();
        };
    List<VersionPlan> versions = new ArrayList<>();
    for (String version : selected) {
      Path versionFolder = folder.resolve(version);
      if (!Files.isDirectory(versionFolder)) {
        versions.add(
            new VersionPlan(
                version,
                null,
                "no folder "
                    + versionFolder
                    + " (expected: every version in version-policy.specific to exist)"));
      } else {
        versions.add(version(name, version, versionFolder.resolve(MODEL_FILE_NAME), model, labels));
      }
    }
    return new Plan(null, versions);
  }

  private VersionPlan version(
      String name, String version, Path file, ModelConfig model, Map<String, String> labels) {
    if (!Files.isRegularFile(file)) {
      return new VersionPlan(version, null, "no model file " + file);
    }
    ModelSource source =
        new ModelSource(
            name,
            version,
            file,
            model.platform(),
            labels,
            model.intraOpThreadsOr(config.onnx().intraOpThreads()),
            model.defaultOutputs(),
            model.batching());
    return new VersionPlan(version, source, null);
  }
}
