package io.mlsys.deploy;

import io.mlsys.core.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a built image goes: an OCI or Docker archive file, or an image registry. */
public sealed interface ImageTarget {
  /** What {@code --to} accepts, for messages. */
  String EXPECTED =
      "oci-archive:FILE.tar, docker-archive:FILE.tar, or an image reference in a registry such as"
          + " ghcr.io/acme/iris:1";

  /** An OCI image layout in a tar ({@code skopeo inspect oci-archive:FILE}). */
  record OciArchive(Path file) implements ImageTarget {}

  /** A Docker-format tar ({@code docker load -i FILE}, {@code podman load -i FILE}). */
  record DockerArchive(Path file) implements ImageTarget {}

  /** An image registry, pushed with the credentials Jib finds (environment, Docker config). */
  record Registry(String reference) implements ImageTarget {}

  /**
   * Parses {@code --to}.
   *
   * @throws InvalidInputException naming {@code option} when the text is neither form, or the
   *     archive's folder does not exist
   */
  static ImageTarget parse(String text, String option) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(option, "empty (expected: " + EXPECTED + ")");
    }
    if (text.startsWith("oci-archive:")) {
      return new OciArchive(archive(text, "oci-archive:", option));
    }
    if (text.startsWith("docker-archive:")) {
      return new DockerArchive(archive(text, "docker-archive:", option));
    }
    if (text.matches("(oci|dir|docker-daemon|containers-storage|docker):.*")) {
      // skopeo's other transports: Jib writes none of them
      throw new InvalidInputException(
          option, "'" + text + "' is not a target Jib can write (expected: " + EXPECTED + ")");
    }
    return new Registry(ImageReferences.check(text, option, EXPECTED));
  }

  private static Path archive(String text, String prefix, String option) {
    String name = text.substring(prefix.length());
    if (name.isBlank()) {
      throw new InvalidInputException(
          option, "'" + text + "' names no file (expected: " + EXPECTED + ")");
    }
    Path file = Path.of(name).toAbsolutePath().normalize();
    Path folder = file.getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new InvalidInputException(
          option, "'" + text + "': the folder " + folder + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new InvalidInputException(
          option, "'" + text + "' is a folder (expected: a file to write)");
    }
    return file;
  }
}
