package io.mlsys.repository;

import io.mlsys.config.ConfigException;
import io.mlsys.config.LabelsFile;
import io.mlsys.core.ModelLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Finds what a model should serve: from {@code models:} in mlsys.yaml (one file, one version) or
 * from its repository folder ({@code DIR/<model>/<version>/model.onnx}, or the file name the
 * platform's runtime asks for; optional config.yaml, version policy). Reads the disk; never loads a
 * model.
 */
final class ModelScanner {
  /** The model file in each version folder unless the loader names another. */
  static final String MODEL_FILE_NAME = "model.onnx";

  private static final System.Logger LOG = System.getLogger(ModelScanner.class.getName());

  private final ModelsConfig config;
  private final Map<String, String> environment;
  private final Path root;
  private final UnaryOperator<String> modelFileNames;
  private final RegistryResolver registry;

  /**
   * @param modelFileNames platform to the model file name in its version folders ({@link
   *     ModelLoader#modelFileName}); throws {@link ModelLoadException} for a platform without one
   * @param registry finds the versions of models that name a registry reference
   */
  ModelScanner(
      ModelsConfig config,
      Map<String, String> environment,
      UnaryOperator<String> modelFileNames,
      RegistryResolver registry) {
    this.config = config;
    this.environment = Map.copyOf(environment);
    this.root = config.modelRepository().path();
    this.modelFileNames = modelFileNames;
    this.registry = registry;
  }

  /**
   * What one version will be loaded from and the model's config it is served by (for its
   * decorators), or why it cannot be.
   */
  record VersionPlan(
      String version,
      ModelSource source,
      ModelConfig config,
      String failure,
      RegistryResolver.ResolvedVersion registered) {
    VersionPlan(String version, ModelSource source, ModelConfig config, String failure) {
      this(version, source, config, failure, null);
    }

    static VersionPlan failed(String version, String failure) {
      return new VersionPlan(version, null, null, failure);
    }
  }

  /**
   * What a model serves.
   *
   * @param failure why the model as a whole cannot be served, or null
   * @param versions the candidate versions in the order they are tried (highest first), when there
   *     is no model-level failure
   * @param wanted how many of them should serve: loading stops once that many loaded, so for {@code
   *     latest: N} a version that fails makes room for the next lower one
   */
  record Plan(String failure, List<VersionPlan> versions, int wanted) {
    static Plan failed(String failure) {
      return new Plan(failure, List.of(), 0);
    }

    static Plan every(List<VersionPlan> versions) {
      return new Plan(null, versions, versions.size());
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
              + shown(folder)
              + " (expected: one definition)");
    }
    try {
      if (configured != null && configured.registry() != null) {
        return registryModel(name, configured);
      }
      return configured != null ? fileModel(name, configured) : folderModel(name, folder);
    } catch (IOException e) {
      return cannotRead(folder != null ? shown(folder) : configured.uri(), e);
    } catch (UncheckedIOException e) {
      return cannotRead(folder != null ? shown(folder) : configured.uri(), e.getCause());
    }
  }

  /** The JDK's message would name the server's path; the exception's kind says what went wrong. */
  private static Plan cannotRead(String shown, IOException e) {
    return Plan.failed("cannot read " + shown + ": " + e.getClass().getSimpleName());
  }

  /** The labels in {@code file}; none when {@code file} is null. */
  private static Map<String, String> labels(Path file) throws LabelsFile.InvalidLabelsException {
    return file == null ? Map.of() : LabelsFile.read(file);
  }

  /** A client sees the reason: it names the file as configured, not the server's path. */
  private static String labelsProblem(String shown, LabelsFile.InvalidLabelsException e) {
    return "labels: " + shown + ": " + e.getMessage() + " (expected: " + LabelsFile.EXPECTED + ")";
  }

  private Path folder(String name) {
    if (root == null || !ModelConfig.isValidName(name)) {
      return null;
    }
    Path folder = root.resolve(name);
    return Files.isDirectory(folder) ? folder : null;
  }

  private Plan fileModel(String name, ModelConfig model) {
    // The decorators of models: were checked with the whole mlsys.yaml (MlsysConfig).
    Map<String, String> labels;
    try {
      labels = labels(model.labelsFile());
    } catch (LabelsFile.InvalidLabelsException e) {
      return Plan.failed(labelsProblem(model.labels(), e));
    }
    return Plan.every(
        List.of(version(name, model.version(), model.file(), model.uri(), model, labels)));
  }

  /** The one version the registry reference names now. */
  private Plan registryModel(String name, ModelConfig model) {
    String location = ModelConfig.REGISTRY_SCHEME + model.registry();
    RegistryResolver.ResolvedVersion resolved;
    try {
      resolved = registry.resolve(model.registry());
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Plan.failed(location + ": " + reason);
    }
    ModelSource source =
        new ModelSource(
            name,
            resolved.version(),
            resolved.modelFile(),
            resolved.platform(),
            resolved.labels(),
            model.intraOpThreadsOr(config.onnx().intraOpThreads()),
            model.defaultOutputs(),
            location + " (version " + resolved.version() + ")");
    return Plan.every(List.of(new VersionPlan(resolved.version(), source, model, null, resolved)));
  }

  private Plan folderModel(String name, Path folder) throws IOException {
    ModelConfig model = ModelConfig.defaults();
    Path configFile = folder.resolve(ModelConfigLoader.FILE_NAME);
    if (Files.exists(configFile)) {
      try {
        model = ModelConfigLoader.load(configFile, environment);
      } catch (ConfigException e) {
        // The same problems, naming the file as clients know it.
        return Plan.failed(new ConfigException(shown(configFile), e.violations()).getMessage());
      }
      try {
        model.decoratorChain(config.modelDefaults());
      } catch (ConfigException e) {
        return Plan.failed(new ConfigException(shown(configFile), e.violations()).getMessage());
      }
    }
    Map<String, String> labels;
    Path labelsFile = model.labelsFile();
    try {
      labels = labels(labelsFile);
    } catch (LabelsFile.InvalidLabelsException e) {
      return Plan.failed(labelsProblem(shown(labelsFile), e));
    }
    String modelFileName;
    try {
      modelFileName = modelFileNames.apply(model.platform());
    } catch (ModelLoadException e) {
      return Plan.failed(e.reason());
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
              + shown(folder)
              + " (expected: "
              + shown(folder.resolve("<positive integer>").resolve(modelFileName))
              + ")");
    }
    available.sort(Snapshot.VERSION_ORDER.reversed());
    // latest: N lists every version as a candidate, highest first: the N highest that load serve.
    List<String> candidates =
        switch (model.versionPolicy()) {
          case VersionPolicy.Latest latest -> available;
          case VersionPolicy.All all -> available;
          case VersionPolicy.Specific specific -> specific.versions();
        };
    List<VersionPlan> versions = new ArrayList<>();
    for (String version : candidates) {
      Path versionFolder = folder.resolve(version);
      if (!Files.isDirectory(versionFolder)) {
        versions.add(
            VersionPlan.failed(
                version,
                "no folder "
                    + shown(versionFolder)
                    + " (expected: every version in version-policy.specific to exist)"));
      } else {
        Path file = versionFolder.resolve(modelFileName);
        versions.add(version(name, version, file, shown(file), model, labels));
      }
    }
    int wanted =
        model.versionPolicy() instanceof VersionPolicy.Latest latest
            ? Math.min(latest.count(), versions.size())
            : versions.size();
    return new Plan(null, versions, wanted);
  }

  /**
   * How a client sees {@code path}: relative to the repository folder when it is inside it (the
   * server's own folders stay private), else as it is.
   */
  String shown(Path path) {
    if (root != null) {
      Path base = root.toAbsolutePath().normalize();
      Path absolute = path.toAbsolutePath().normalize();
      if (absolute.startsWith(base)) {
        return base.relativize(absolute).toString();
      }
    }
    return path.toString();
  }

  private VersionPlan version(
      String name,
      String version,
      Path file,
      String location,
      ModelConfig model,
      Map<String, String> labels) {
    if (!Files.isRegularFile(file)) {
      return VersionPlan.failed(version, "no model file " + location);
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
            location);
    return new VersionPlan(version, source, model, null);
  }
}
