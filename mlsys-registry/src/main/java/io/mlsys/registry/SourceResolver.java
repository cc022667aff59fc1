package io.mlsys.registry;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.TrackingStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a {@code model-versions/create} source into a local file or folder, refusing anything
 * outside the allowed roots: a registry that reads any path it is given leaks the server's files.
 */
final class SourceResolver {
  static final String EXPECTED =
      "a path or file: URI of an .onnx file or of a folder holding model.onnx, under a folder of"
          + " registry.source-roots; or mlflow-artifacts:/<path> or runs:/<run-id>/<path> of a run"
          + " artifact";

  private SourceResolver() {}

  static Path resolve(
      String source, List<Path> roots, ArtifactStore artifacts, TrackingStore tracking) {
    if (source == null || source.isBlank()) {
      throw new InvalidInputException("source", "missing (expected " + EXPECTED + ")");
    }
    Path candidate;
    if (source.startsWith("mlflow-artifacts:")) {
      candidate = artifacts.resolve(artifactPath(source.substring("mlflow-artifacts:".length())));
    } else if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String inner = slash < 0 ? "" : rest.substring(slash + 1);
      Run run = tracking.run(runId);
      String base = run.artifactUri();
      if (base == null || !base.startsWith("mlflow-artifacts:")) {
        throw new InvalidInputException(
            "source", "run '" + runId + "' has no artifacts in this server's artifact store");
      }
      String basePath = artifactPath(base.substring("mlflow-artifacts:".length()));
      candidate = artifacts.resolve(inner.isEmpty() ? basePath : basePath + "/" + inner);
    } else {
      candidate = underRoots(source, roots);
    }
    return modelArtifact(source, candidate);
  }

  private static String artifactPath(String uriPath) {
    String path = uriPath;
    while (path.startsWith("/")) {
      path = path.substring(1);
    }
    return path;
  }

  private static Path underRoots(String source, List<Path> roots) {
    Path path;
    try {
      path = source.startsWith("file:") ? Path.of(URI.create(source)) : Path.of(source);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new InvalidInputException(
          "source", "'" + source + "' is not a path or file: URI (expected " + EXPECTED + ")");
    }
    if (!path.isAbsolute()) {
      throw new InvalidInputException(
          "source",
          "'" + source + "' is a relative path (expected an absolute path; " + EXPECTED + ")");
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      throw new InvalidInputException("source", "'" + source + "' does not exist");
    }
    for (Path root : roots) {
      try {
        if (real.startsWith(root.toRealPath())) {
          return real;
        }
      } catch (IOException e) {
        // A root that does not exist allows nothing.
      }
    }
    throw new InvalidInputException(
        "source",
        "'"
            + source
            + "' is not under a folder of registry.source-roots (allowed: "
            + (roots.isEmpty() ? "none" : roots)
            + ")");
  }

  private static Path modelArtifact(String source, Path path) {
    if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
        && path.getFileName().toString().endsWith(".onnx")) {
      return path;
    }
    if (Files.isDirectory(path) && Files.isRegularFile(path.resolve(ModelRegistry.MODEL_FILE))) {
      return path;
    }
    throw new InvalidInputException(
        "source", "'" + source + "' is neither an .onnx file nor a folder holding model.onnx");
  }
}
