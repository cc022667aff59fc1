package io.mlsys.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.registry.FileArtifactStore;
import io.mlsys.registry.ModelVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What goes into a model image, decided before Jib runs: three layers (third-party jars, this
 * project's jars, the model), the labels, the entrypoint and the environment. The model layer holds
 * the registered artifact as a one-version model repository ({@code
 * /app/models/<model>/<version>/}), so the server serves it under its registry version number, with
 * {@code /app/mlsys.yaml} and {@code /app/model-version.json} (the version's lineage).
 *
 * @param imageName the name the image is given in an archive ({@code <model>:<version>})
 * @param layers bottom to top
 * @param created the image's creation time: the version's registration time, so that building the
 *     same version twice gives the same image
 */
public record ImagePlan(
    String imageName,
    List<Layer> layers,
    Map<String, String> labels,
    List<String> entrypoint,
    Map<String, String> environment,
    List<Integer> ports,
    String workingDirectory,
    Instant created) {

  public static final String APP_DIR = "/app";
  public static final String MODELS_DIR = APP_DIR + "/models";
  public static final String CONFIG_FILE = APP_DIR + "/mlsys.yaml";
  public static final String VERSION_FILE = APP_DIR + "/model-version.json";

  /** Where the server keeps what it extracts at start (ONNX Runtime's native libraries). */
  public static final String DATA_DIR = "/tmp/mlsys";

  public static final int HTTP_PORT = 8080;
  public static final int GRPC_PORT = 8081;

  public static final String LABEL_PREFIX = "io.mlsys.model.";
  public static final String OCI_PREFIX = "org.opencontainers.image.";

  public static final String DEPENDENCIES_LAYER = "dependencies";
  public static final String PROJECT_LAYER = "project";
  public static final String MODEL_LAYER = "model";

  public ImagePlan {
    layers = List.copyOf(layers);
    labels = Map.copyOf(labels);
    entrypoint = List.copyOf(entrypoint);
    environment = Map.copyOf(environment);
    ports = List.copyOf(ports);
  }

  /** One image layer: files copied from this machine to absolute paths in the image. */
  public record Layer(String name, List<Entry> entries) {
    public Layer {
      entries = List.copyOf(entries);
    }
  }

  /** A file of a layer: {@code source} on this machine, {@code target} in the image. */
  public record Entry(Path source, String target) {}

  /**
   * Plans the image of {@code version}: copies its artifact folder to {@code staging} and checks
   * the copy against the version's digest, then writes the server's config and the lineage file
   * there.
   *
   * @param reference how the version was named ({@code iris@champion}), recorded in the labels
   * @param artifactFolder the registry's verified folder of the version's artifact
   * @param base how the base image is named, recorded in the labels
   * @param staging an empty folder that lives until the image is built
   * @throws FailedPreconditionException when the copy does not match the version's digest
   */
  public static ImagePlan of(
      ServerApplication server,
      ModelVersion version,
      String reference,
      Path artifactFolder,
      String base,
      Path staging) {
    try {
      return plan(server, version, reference, artifactFolder, base, staging);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage the model image's files in " + staging, e);
    }
  }

  private static ImagePlan plan(
      ServerApplication server,
      ModelVersion version,
      String reference,
      Path artifactFolder,
      String base,
      Path staging)
      throws IOException {
    String versionNumber = Long.toString(version.version());
    Path modelFolder = staging.resolve("models").resolve(version.model());
    Path versionFolder = modelFolder.resolve(versionNumber);
    copyFolder(artifactFolder, versionFolder);
    // The files that go into the image, not only the ones the registry verified a moment ago.
    String copied = FileArtifactStore.digest(versionFolder);
    if (!copied.equals(version.artifactDigest())) {
      throw new FailedPreconditionException(
          "model '"
              + version.model()
              + "' version "
              + versionNumber
              + ": the copied artifact is "
              + copied
              + " (expected: "
              + version.artifactDigest()
              + ")");
    }
    if (Files.isRegularFile(versionFolder.resolve("labels.json"))) {
      Files.writeString(
          modelFolder.resolve("config.yaml"),
          "# Written by mlsys image build: the labels that came with the registered version.\n"
              + "labels: \""
              + versionNumber
              + "/labels.json\"\n");
    }
    Path config = staging.resolve("mlsys.yaml");
    Files.writeString(config, configYaml(version, reference));
    Path lineage = staging.resolve("model-version.json");
    Files.writeString(lineage, versionJson(version, reference));

    List<Entry> dependencies = new ArrayList<>();
    for (Path jar : server.dependencies()) {
      dependencies.add(new Entry(jar, appPath(server, jar)));
    }
    List<Entry> project = new ArrayList<>();
    for (Path jar : server.projectJars()) {
      project.add(new Entry(jar, appPath(server, jar)));
    }
    String mainJar = appPath(server, server.mainJar());
    project.add(new Entry(server.mainJar(), mainJar));
    List<Entry> model = new ArrayList<>();
    try (Stream<Path> files = Files.walk(modelFolder)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        model.add(
            new Entry(
                file,
                MODELS_DIR
                    + "/"
                    + version.model()
                    + "/"
                    + modelFolder.relativize(file).toString().replace('\\', '/')));
      }
    }
    model.add(new Entry(config, CONFIG_FILE));
    model.add(new Entry(lineage, VERSION_FILE));

    return new ImagePlan(
        version.model() + ":" + versionNumber,
        List.of(
            new Layer(DEPENDENCIES_LAYER, dependencies),
            new Layer(PROJECT_LAYER, project),
            new Layer(MODEL_LAYER, model)),
        labels(version, reference, base),
        List.of("java", "-jar", mainJar, "serve", "--config", CONFIG_FILE),
        Map.of(
            "MLSYS_DATA_DIR",
            DATA_DIR,
            // ONNX Runtime's telemetry writes under the home folder and crashes on long command
            // lines.
            "ORT_DISABLE_TELEMETRY",
            "1"),
        List.of(HTTP_PORT, GRPC_PORT),
        APP_DIR,
        version.created());
  }

  /** The image's labels: which model version it serves, and the OCI annotations that apply. */
  static Map<String, String> labels(ModelVersion version, String reference, String base) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_PREFIX + "name", version.model());
    labels.put(LABEL_PREFIX + "version", Long.toString(version.version()));
    labels.put(LABEL_PREFIX + "digest", version.artifactDigest());
    labels.put(LABEL_PREFIX + "reference", reference);
    labels.put(LABEL_PREFIX + "platform", version.platform());
    if (version.versionName() != null) {
      labels.put(LABEL_PREFIX + "version-name", version.versionName().toString());
    }
    if (version.runId() != null) {
      labels.put(LABEL_PREFIX + "run-id", version.runId());
    }
    labels.put(OCI_PREFIX + "title", version.model());
    labels.put(
        OCI_PREFIX + "description",
        "mlsys serving model '"
            + version.model()
            + "' version "
            + version.version()
            + " over the Open Inference Protocol");
    labels.put(OCI_PREFIX + "version", Long.toString(version.version()));
    if (version.created() != null) {
      labels.put(OCI_PREFIX + "created", version.created().toString());
    }
    labels.put(OCI_PREFIX + "base.name", base);
    labels.values().removeIf(value -> value == null);
    return labels;
  }

  /** The server's config in the image: every interface, the image's one-version repository. */
  static String configYaml(ModelVersion version, String reference) {
    return """
        # Written by mlsys image build: serves %s (%s/%d, %s) from this image.
        # Ports and host can be changed by arguments after the image name (--port N, --host H).
        server:
          host: 0.0.0.0
          port: %d
          grpc-port: %d
        model-repository:
          path: %s
        """
        .formatted(
            reference,
            version.model(),
            version.version(),
            version.artifactDigest(),
            HTTP_PORT,
            GRPC_PORT,
            MODELS_DIR);
  }

  /** The version's record as the registry had it, for people and tools looking into the image. */
  static String versionJson(ModelVersion version, String reference) throws IOException {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("model", version.model());
    record.put("version", version.version());
    record.put("reference", reference);
    record.put(
        "version_name", version.versionName() == null ? null : version.versionName().toString());
    record.put("artifact_digest", version.artifactDigest());
    record.put("platform", version.platform());
    record.put("source", version.source());
    record.put("description", version.description());
    record.put("created", version.created() == null ? null : version.created().toString());
    record.put("created_by", version.createdBy());
    Map<String, Object> lineage = new LinkedHashMap<>();
    lineage.put("run_id", version.lineage().runId());
    lineage.put("dataset_uri", version.lineage().datasetUri());
    lineage.put("dataset_digest", version.lineage().datasetDigest());
    lineage.put("code_version", version.lineage().codeVersion());
    lineage.put("split", version.lineage().split());
    lineage.put("hyperparameters", version.lineage().hyperparameters());
    lineage.put("metrics", version.lineage().metrics());
    lineage.values().removeIf(value -> value == null);
    record.put("lineage", lineage);
    record.put("tags", version.tags());
    record.values().removeIf(value -> value == null);
    return new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .writeValueAsString(record)
        + "\n";
  }

  /** The path in the image of a jar of the server: the same place relative to {@value #APP_DIR}. */
  private static String appPath(ServerApplication server, Path jar) {
    Path relative = server.mainJar().getParent().relativize(jar);
    if (relative.startsWith("..")) {
      throw new IllegalArgumentException(
          jar + " is outside " + server.mainJar().getParent() + " (expected: beside mlsys.jar)");
    }
    return APP_DIR + "/" + relative.toString().replace('\\', '/');
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.sorted().toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(file, target);
        }
      }
    }
  }
}
