package io.mlsys.deploy;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import io.mlsys.core.UpstreamFailureException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds an {@link ImagePlan} into an OCI image with Jib core: no Docker daemon, no Dockerfile.
 * Registry credentials come as Jib finds them (Docker config and credential helpers), or from
 * {@value #USERNAME_VARIABLE} and {@value #PASSWORD_VARIABLE}.
 */
public final class ImageBuilder {
  /** Environment variable with the registry user name for {@code --to} and {@code --base}. */
  public static final String USERNAME_VARIABLE = "MLSYS_REGISTRY_USERNAME";

  /** Environment variable with the registry password or token. */
  public static final String PASSWORD_VARIABLE = "MLSYS_REGISTRY_PASSWORD";

  /** Named in the image history ({@code jib-core:<version>}) and the registry User-Agent. */
  static final String TOOL_NAME = "jib-core";

  private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001B\\[[;0-9]*m");

  private final Path cacheDir;
  private final Map<String, String> environment;
  private final Consumer<String> log;

  /**
   * @param cacheDir where Jib keeps base image layers and built layers between builds
   * @param environment the variables credentials and Docker's config location are read from
   * @param log receives Jib's progress lines and warnings
   */
  public ImageBuilder(Path cacheDir, Map<String, String> environment, Consumer<String> log) {
    this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    this.environment = Map.copyOf(environment);
    this.log = Objects.requireNonNull(log, "log");
  }

  /**
   * What was built.
   *
   * @param digest the image manifest's digest ({@code sha256:...})
   * @param imageId the image config's digest (what {@code docker images} shows)
   */
  public record Built(String digest, String imageId) {}

  /**
   * Builds the image.
   *
   * @throws UpstreamFailureException when the base cannot be read or the registry refuses or cannot
   *     be reached
   */
  public Built build(BaseImage base, ImageTarget target, ImagePlan plan)
      throws InterruptedException {
    JibContainerBuilder builder = container(from(base), plan, format(target));
    Containerizer containerizer =
        to(target, plan)
            .setToolName(TOOL_NAME)
            .setBaseImageLayersCache(cacheDir.resolve("base"))
            .setApplicationLayersCache(cacheDir.resolve("application"))
            .addEventHandler(LogEvent.class, this::log);
    try {
      JibContainer container = builder.containerize(containerizer);
      return new Built(container.getDigest().toString(), container.getImageId().toString());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new UpstreamFailureException(describe(base, target), hint(message(cause)), cause);
    } catch (RegistryException e) {
      throw new UpstreamFailureException(describe(base, target), hint(message(e)), e);
    } catch (CacheDirectoryCreationException e) {
      throw new UncheckedIOException(
          new IOException("cannot create Jib's cache in " + cacheDir + ": " + message(e), e));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Docker's format where Docker reads the result ({@code docker load} needs its manifest.json),
   * OCI everywhere else: an OCI layout in the archive, OCI manifests in a registry.
   */
  static ImageFormat format(ImageTarget target) {
    return switch (target) {
      case ImageTarget.DockerArchive archive -> ImageFormat.Docker;
      case ImageTarget.OciArchive archive -> ImageFormat.OCI;
      case ImageTarget.Registry registry -> ImageFormat.OCI;
    };
  }

  /** The plan as a Jib container on {@code from}. */
  static JibContainerBuilder container(
      JibContainerBuilder from, ImagePlan plan, ImageFormat format) {
    from.setFormat(format)
        .setCreationTime(plan.created() == null ? Instant.EPOCH : plan.created())
        .setEntrypoint(plan.entrypoint())
        .setProgramArguments(List.of())
        .setWorkingDirectory(AbsoluteUnixPath.get(plan.workingDirectory()))
        .setLabels(plan.labels());
    // Added to the base's variables (its PATH and JAVA_HOME stay).
    plan.environment().forEach(from::addEnvironmentVariable);
    Set<Port> ports = new LinkedHashSet<>();
    for (int port : plan.ports()) {
      ports.add(Port.tcp(port));
    }
    from.setExposedPorts(ports);
    for (ImagePlan.Layer layer : plan.layers()) {
      FileEntriesLayer.Builder files = FileEntriesLayer.builder().setName(layer.name());
      for (ImagePlan.Entry entry : layer.entries()) {
        files.addEntry(entry.source(), AbsoluteUnixPath.get(entry.target()));
      }
      from.addFileEntriesLayer(files.build());
    }
    return from;
  }

  private JibContainerBuilder from(BaseImage base) {
    return switch (base) {
      case BaseImage.Registry registry -> Jib.from(withCredentials(registry.reference()));
      case BaseImage.DockerArchive archive -> Jib.from(TarImage.at(archive.file()));
      case BaseImage.DockerDaemon daemon ->
          Jib.from(DockerDaemonImage.named(ImageReferences.parse(daemon.reference())));
    };
  }

  private Containerizer to(ImageTarget target, ImagePlan plan) {
    return switch (target) {
      case ImageTarget.OciArchive archive ->
          Containerizer.to(
              TarImage.at(archive.file()).named(ImageReferences.parse(plan.imageName())));
      case ImageTarget.DockerArchive archive ->
          Containerizer.to(
              TarImage.at(archive.file()).named(ImageReferences.parse(plan.imageName())));
      case ImageTarget.Registry registry -> Containerizer.to(withCredentials(registry.reference()));
    };
  }

  /** A registry image with the credentials from the environment first, then Docker's config. */
  private RegistryImage withCredentials(String reference) {
    ImageReference parsed = ImageReferences.parse(reference);
    RegistryImage image = RegistryImage.named(parsed);
    String username = environment.get(USERNAME_VARIABLE);
    String password = environment.get(PASSWORD_VARIABLE);
    if (username != null && password != null) {
      image.addCredential(username, password);
    }
    CredentialRetrieverFactory credentials =
        CredentialRetrieverFactory.forImage(parsed, this::log, environment);
    // Jib reads ~/.docker/config.json only; Docker itself reads $DOCKER_CONFIG/config.json first.
    String dockerConfig = environment.get("DOCKER_CONFIG");
    if (dockerConfig != null && !dockerConfig.isBlank()) {
      image.addCredentialRetriever(credentials.dockerConfig(Path.of(dockerConfig, "config.json")));
    }
    return image
        .addCredentialRetriever(credentials.dockerConfig())
        .addCredentialRetriever(credentials.wellKnownCredentialHelpers());
  }

  private void log(LogEvent event) {
    switch (event.getLevel()) {
      case WARN, LIFECYCLE -> {
        // Jib colours some lines for a terminal; the log may be a file.
        String message = ANSI_ESCAPE.matcher(event.getMessage()).replaceAll("");
        if (!message.isBlank()) {
          log.accept(message);
        }
      }
      default -> {
        // errors come back as the exception; progress and debug lines are Jib's internals
      }
    }
  }

  private static String describe(BaseImage base, ImageTarget target) {
    String to =
        switch (target) {
          case ImageTarget.OciArchive archive -> "oci-archive:" + archive.file();
          case ImageTarget.DockerArchive archive -> "docker-archive:" + archive.file();
          case ImageTarget.Registry registry -> registry.reference();
        };
    return "image build from " + base.display() + " to " + to;
  }

  /** Most failures here are an image registry out of reach: say how to build without one. */
  private static String hint(String message) {
    return message
        + " (an image registry as --base or --to must be reachable; offline, use --base"
        + " docker-archive:FILE and --to oci-archive:FILE)";
  }

  private static String message(Throwable error) {
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }
}
