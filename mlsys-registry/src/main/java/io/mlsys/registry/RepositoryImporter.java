package io.mlsys.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.config.ConfigException;
import io.mlsys.config.LabelsFile;
import io.mlsys.core.MlsysException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Takes an existing Triton/KServe model repository folder into the registry ({@code mlsys registry
 * import DIR}): each model folder {@code DIR/<name>} becomes a registered model, each numeric
 * version folder {@code DIR/<name>/<n>} holding its model file a version, in ascending order, with
 * the model's labels (named by {@code config.yaml}'s {@code labels:} or {@code config.pbtxt}'s
 * {@code label_filename}). A version whose artifact (model file and labels) a version of that model
 * already has is skipped, so importing twice imports once.
 *
 * <p>Only ONNX models are imported: a model whose config names another platform is skipped, with
 * the reason.
 */
public final class RepositoryImporter {
  /** Version tag: the model file a version was imported from: {@value}. */
  public static final String IMPORTED_FROM_TAG = "mlsys.imported-from";

  /** Version tag: the version folder's number in the imported repository: {@value}. */
  public static final String REPOSITORY_VERSION_TAG = "mlsys.repository-version";

  private static final Pattern PBTXT_STRING =
      Pattern.compile("(?m)^\\s*(platform|backend|default_model_filename)\\s*:\\s*\"([^\"]*)\"");
  private static final Pattern PBTXT_LABELS =
      Pattern.compile("label_filename\\s*:\\s*\"([^\"]+)\"");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What happened to one version folder, or to a whole model folder ({@code folderVersion} null).
   */
  public enum Status {
    IMPORTED,
    ALREADY_IMPORTED,
    SKIPPED,
    FAILED
  }

  /**
   * @param folderVersion the version folder's name, or null for a model-level outcome
   * @param version the registered (or already registered) version, or null
   * @param detail why it was skipped or failed, or the artifact digest
   */
  public record Outcome(
      String model, String folderVersion, Status status, ModelVersion version, String detail) {}

  private final ModelRegistry registry;
  private final Path staging;

  /**
   * @param registry whose source roots allow {@code staging}
   * @param staging an empty folder where each version's artifact folder (model file and
   *     labels.json) is assembled before registration
   */
  public RepositoryImporter(ModelRegistry registry, Path staging) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.staging = Objects.requireNonNull(staging, "staging");
  }

  /**
   * Imports {@code repository}, reporting each outcome to {@code progress} as it happens.
   *
   * @throws io.mlsys.core.InvalidInputException naming {@code DIR} when it is not a folder
   */
  public List<Outcome> importRepository(Path repository, String actor, Consumer<Outcome> progress) {
    if (!Files.isDirectory(repository)) {
      throw new io.mlsys.core.InvalidInputException(
          "DIR", "'" + repository + "' is not a folder (expected: a model repository folder)");
    }
    List<Outcome> outcomes = new ArrayList<>();
    Consumer<Outcome> record =
        outcome -> {
          outcomes.add(outcome);
          progress.accept(outcome);
        };
    for (Path folder : children(repository)) {
      String name = folder.getFileName().toString();
      if (name.startsWith(".") || !Files.isDirectory(folder)) {
        continue;
      }
      if (!ModelConfig.isValidName(name)) {
        record.accept(
            new Outcome(
                name,
                null,
                Status.SKIPPED,
                null,
                "not a model name (expected " + ModelConfig.EXPECTED_NAME + ")"));
        continue;
      }
      importModel(folder, name, actor, record);
    }
    return outcomes;
  }

  private void importModel(Path folder, String name, String actor, Consumer<Outcome> record) {
    ModelLayout layout;
    try {
      layout = layout(folder);
    } catch (ConfigException | io.mlsys.core.InvalidInputException e) {
      record.accept(new Outcome(name, null, Status.FAILED, null, e.getMessage()));
      return;
    }
    if (layout.skipReason() != null) {
      record.accept(new Outcome(name, null, Status.SKIPPED, null, layout.skipReason()));
      return;
    }
    List<Path> versions =
        children(folder).stream()
            .filter(Files::isDirectory)
            .filter(p -> ModelConfig.isValidVersion(p.getFileName().toString()))
            .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
            .toList();
    if (versions.isEmpty()) {
      record.accept(
          new Outcome(
              name,
              null,
              Status.SKIPPED,
              null,
              "no version folders (expected: " + name + "/<n>/" + layout.modelFile() + ")"));
      return;
    }
    Map<String, ModelVersion> imported = versionsByDigest(name);
    for (Path versionFolder : versions) {
      String folderVersion = versionFolder.getFileName().toString();
      Path modelFile = versionFolder.resolve(layout.modelFile());
      if (!Files.isRegularFile(modelFile)) {
        record.accept(
            new Outcome(
                name,
                folderVersion,
                Status.SKIPPED,
                null,
                "no model file " + name + "/" + folderVersion + "/" + layout.modelFile()));
        continue;
      }
      try {
        Path artifact = stage(name, folderVersion, modelFile, layout.labels());
        String digest = registry.artifacts().put(artifact, ModelRegistry.MODEL_FILE);
        ModelVersion existing = imported.get(digest);
        if (existing != null) {
          record.accept(
              new Outcome(name, folderVersion, Status.ALREADY_IMPORTED, existing, digest));
          continue;
        }
        ModelVersion version =
            registry.register(
                new NewVersion(
                    name,
                    artifact.toString(),
                    "imported from " + modelFile,
                    null,
                    Lineage.NONE,
                    null,
                    null,
                    Map.of(
                        IMPORTED_FROM_TAG,
                        modelFile.toAbsolutePath().normalize().toString(),
                        REPOSITORY_VERSION_TAG,
                        folderVersion)),
                actor);
        imported.put(digest, version);
        record.accept(new Outcome(name, folderVersion, Status.IMPORTED, version, digest));
      } catch (MlsysException | UncheckedIOException e) {
        record.accept(new Outcome(name, folderVersion, Status.FAILED, null, e.getMessage()));
      }
    }
  }

  /**
   * @param modelFile the file name in each version folder
   * @param labels the model's labels, or empty
   * @param skipReason why the model is not imported, or null
   */
  private record ModelLayout(String modelFile, Map<String, String> labels, String skipReason) {}

  /** The model file name, labels and platform from config.yaml (mlsys) or config.pbtxt (Triton). */
  private static ModelLayout layout(Path folder) {
    Path yaml = folder.resolve(ModelConfigLoader.FILE_NAME);
    Path pbtxt = folder.resolve("config.pbtxt");
    String modelFile = ModelRegistry.MODEL_FILE;
    Path labelsFile = null;
    if (Files.isRegularFile(yaml)) {
      ModelConfig config = ModelConfigLoader.load(yaml, Map.of());
      if (!ModelRegistry.ONNX_PLATFORM.equals(config.platform())) {
        return new ModelLayout(
            modelFile, Map.of(), "platform " + config.platform() + " (only ONNX is imported)");
      }
      labelsFile = config.labelsFile();
    } else if (Files.isRegularFile(pbtxt)) {
      String text;
      try {
        text = Files.readString(pbtxt, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + pbtxt, e);
      }
      Matcher matcher = PBTXT_STRING.matcher(text);
      while (matcher.find()) {
        String key = matcher.group(1);
        String value = matcher.group(2);
        if ((key.equals("platform") && !value.equals(ModelRegistry.ONNX_PLATFORM))
            || (key.equals("backend") && !value.equals("onnxruntime"))) {
          return new ModelLayout(
              modelFile, Map.of(), key + " " + value + " (only ONNX is imported)");
        }
        if (key.equals("default_model_filename")) {
          modelFile = value;
        }
      }
      Matcher labels = PBTXT_LABELS.matcher(text);
      if (labels.find()) {
        labelsFile = folder.resolve(labels.group(1));
      }
    }
    Map<String, String> labels = Map.of();
    if (labelsFile != null) {
      try {
        labels = LabelsFile.read(labelsFile);
      } catch (LabelsFile.InvalidLabelsException e) {
        throw new io.mlsys.core.InvalidInputException(
            "labels", labelsFile.getFileName() + ": " + e.getMessage());
      }
    }
    return new ModelLayout(modelFile, labels, null);
  }

  /** Artifact digests of the model's versions, to skip what was imported before. */
  private Map<String, ModelVersion> versionsByDigest(String model) {
    Map<String, ModelVersion> byDigest = new HashMap<>();
    RegistryStore store = registry.store();
    if (store.findModel(model).isEmpty()) {
      return byDigest;
    }
    long newest =
        store.latestVersions(model, List.of()).stream()
            .mapToLong(ModelVersion::version)
            .max()
            .orElse(0);
    for (long v = 1; v <= newest; v++) {
      try {
        ModelVersion version = store.version(model, v);
        if (version.artifactDigest() != null) {
          byDigest.putIfAbsent(version.artifactDigest(), version);
        }
      } catch (ResourceNotFoundException deleted) {
        // Deleted versions hold nothing to compare with.
      }
    }
    return byDigest;
  }

  /** A folder holding {@code model.onnx} and, when the model has labels, {@code labels.json}. */
  private Path stage(String model, String version, Path modelFile, Map<String, String> labels) {
    Path folder = staging.resolve(model).resolve(version);
    try {
      Files.createDirectories(folder);
      Files.copy(
          modelFile,
          folder.resolve(ModelRegistry.MODEL_FILE),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      if (!labels.isEmpty()) {
        Files.write(folder.resolve("labels.json"), JSON.writeValueAsBytes(labels));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage " + modelFile + ": " + e, e);
    }
    return folder;
  }

  private static List<Path> children(Path folder) {
    try (Stream<Path> children = Files.list(folder)) {
      return children.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e, e);
    }
  }
}
