package io.mlsys.deploy;

import io.mlsys.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The image the model image is built on: it must hold a Java 21+ runtime ({@code java} on its
 * {@code PATH}) and glibc, which ONNX Runtime's native library needs.
 */
public sealed interface BaseImage {
  /** The default base: Eclipse Temurin's JRE 21 on Ubuntu (glibc), from Docker Hub. */
  String DEFAULT = "eclipse-temurin:21-jre";

  /** What {@code --base} accepts, for messages. */
  String EXPECTED =
      "an image reference such as "
          + DEFAULT
          + ", docker-archive:FILE.tar or tar://FILE.tar (a Docker-format tar, as docker save"
          + " writes), or docker://NAME (from a Docker daemon)";

  /** An image in a registry, pulled with the credentials Jib finds (Docker config, helpers). */
  record Registry(String reference) implements BaseImage {
    @Override
    public String display() {
      return reference;
    }
  }

  /**
   * A Docker-format image tar on this machine ({@code docker save}, or {@code mlsys image base}).
   */
  record DockerArchive(Path file) implements BaseImage {
    @Override
    public String display() {
      return "docker-archive:" + file.getFileName();
    }
  }

  /** An image in the local Docker daemon. */
  record DockerDaemon(String reference) implements BaseImage {
    @Override
    public String display() {
      return "docker://" + reference;
    }
  }

  /** How the base is named in the image's labels. */
  String display();

  /**
   * Parses {@code --base}.
   *
   * @throws InvalidInputException naming {@code option} when the text is not a base or the archive
   *     is missing
   */
  static BaseImage parse(String text, String option) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(option, "empty (expected: " + EXPECTED + ")");
    }
    String archive = stripPrefix(text, "docker-archive:", "tar://");
    if (archive != null) {
      Path file = Path.of(archive).toAbsolutePath().normalize();
      if (!Files.isRegularFile(file)) {
        throw new InvalidInputException(
            option, "'" + text + "': no such file " + file + " (expected: " + EXPECTED + ")");
      }
      return new DockerArchive(file);
    }
    String daemon = stripPrefix(text, "docker://");
    if (daemon != null) {
      return new DockerDaemon(ImageReferences.check(daemon, option, EXPECTED));
    }
    String registry = stripPrefix(text, "registry://");
    return new Registry(
        ImageReferences.check(registry == null ? text : registry, option, EXPECTED));
  }

  private static String stripPrefix(String text, String... prefixes) {
    for (String prefix : prefixes) {
      if (text.startsWith(prefix)) {
        return text.substring(prefix.length());
      }
    }
    return null;
  }
}
