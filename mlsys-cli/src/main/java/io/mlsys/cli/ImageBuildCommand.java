package io.mlsys.cli;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.deploy.BaseImage;
import io.mlsys.deploy.ImageBuilder;
import io.mlsys.deploy.ImagePlan;
import io.mlsys.deploy.ImageTarget;
import io.mlsys.deploy.ServerApplication;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryReference;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys image build}: an OCI image serving one registered model version. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds an OCI image that serves one registered model version: the base (a Java 21+"
          + " runtime), a layer of third-party jars, a layer of mlsys's jars, and a layer with the"
          + " model's artifact (digest verified), /app/mlsys.yaml and /app/model-version.json.",
      "It starts `java -jar /app/mlsys.jar serve --config /app/mlsys.yaml` on ports 8080 (HTTP)"
          + " and 8081 (gRPC); labels io.mlsys.model.name, .version and .digest say what it serves.",
      "Registry credentials: as Docker's config and credential helpers have them, or $"
          + ImageBuilder.USERNAME_VARIABLE
          + " and $"
          + ImageBuilder.PASSWORD_VARIABLE
          + "."
    })
final class ImageBuildCommand implements Callable<Integer> {
  /** Under the data directory: Jib's layer cache, reused by the next build. */
  static final String CACHE_FOLDER = "image-cache";

  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model"},
      required = true,
      paramLabel = "MODEL@ALIAS|MODEL/VERSION",
      description = "The registered version to put in the image, e.g. iris@champion or iris/3.")
  String model;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "TARGET",
      description = {
        "oci-archive:FILE.tar (an OCI layout in a tar, for skopeo, podman load, crane),"
            + " docker-archive:FILE.tar (for docker load), or an image reference pushed to its"
            + " registry, e.g. ghcr.io/acme/iris:1."
      })
  String to;

  @Option(
      names = "--base",
      paramLabel = "IMAGE",
      defaultValue = BaseImage.DEFAULT,
      description = {
        "The base image, with Java 21+ as `java` on its PATH and glibc (default:"
            + " ${DEFAULT-VALUE}, from Docker Hub). docker-archive:FILE.tar or tar://FILE.tar"
            + " for a Docker-format tar (offline; see `mlsys image base`), docker://NAME for a"
            + " Docker daemon's image."
      })
  String base;

  @Option(
      names = "--server-jar",
      paramLabel = "FILE",
      description =
          "The mlsys.jar to put in the image, with the lib/ folder its manifest lists (default:"
              + " the jar this command runs from).")
  Path serverJar;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Every option is checked before anything is read or written.
    ImageTarget target = ImageTarget.parse(to, "--to");
    BaseImage baseImage = BaseImage.parse(base, "--base");
    RegistryReference reference = RegistryReference.parse(model, "--model");
    Path staging = Files.createTempDirectory("mlsys-image");
    try {
      ImagePlan plan;
      Path dataDir;
      try (ModelRegistry opened = registry.open(err, List.of(), false)) {
        dataDir = registry.dataDir(RegistryFiles.config(registry.configFile));
        ModelVersion version;
        try {
          version = opened.resolve(reference);
        } catch (ResourceNotFoundException e) {
          // The registry's words (MLflow's), said of the option that named it.
          throw new InvalidInputException(
              "--model", "'" + reference + "' is not in the registry: " + e.getMessage());
        }
        ServerApplication server =
            ServerApplication.fromJar(serverJar != null ? serverJar : runningJar(), "--server-jar");
        plan =
            ImagePlan.of(
                server,
                version,
                reference.toString(),
                opened.artifactFolder(version),
                baseImage.display(),
                staging);
        out.printf(
            "Building %s/%d (%s) on %s...%n",
            version.model(), version.version(), version.artifactDigest(), baseImage.display());
        out.flush();
      }
      ImageBuilder builder =
          new ImageBuilder(
              dataDir.resolve(CACHE_FOLDER),
              System.getenv(),
              line -> {
                err.println("  " + line);
                err.flush();
              });
      ImageBuilder.Built built = builder.build(baseImage, target, plan);
      out.println("  image " + built.digest() + " (config " + built.imageId() + ")");
      for (ImagePlan.Layer layer : plan.layers()) {
        out.printf("  layer %-12s %d files%n", layer.name(), layer.entries().size());
      }
      out.println("  labels:");
      plan.labels().entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(label -> out.println("    " + label.getKey() + "=" + label.getValue()));
      out.println("  wrote " + describe(target));
      out.flush();
      return 0;
    } finally {
      deleteRecursively(staging);
    }
  }

  /** The jar this command runs from, as {@code java -jar mlsys.jar} starts it. */
  static Path runningJar() {
    Path location;
    try {
      location = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new InvalidInputException(
          "--server-jar", "cannot tell which jar mlsys runs from (" + e.getMessage() + ")");
    }
    if (!Files.isRegularFile(location)) {
      throw new InvalidInputException(
          "--server-jar",
          "mlsys runs from "
              + location
              + ", not from its packaged jar (expected: --server-jar mlsys-cli/target/mlsys.jar)");
    }
    return location;
  }

  private static String describe(ImageTarget target) {
    return switch (target) {
      case ImageTarget.OciArchive archive -> "oci-archive:" + archive.file();
      case ImageTarget.DockerArchive archive -> "docker-archive:" + archive.file();
      case ImageTarget.Registry pushed -> pushed.reference();
    };
  }

  static void deleteRecursively(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
