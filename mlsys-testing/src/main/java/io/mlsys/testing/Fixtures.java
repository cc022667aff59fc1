package io.mlsys.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared fixtures (real models and data this project did not write) in place. Tests
 * that need them call {@link #require(String)}, which skips the test with a clear message when the
 * folder is absent (a user's fresh clone); CI always has it.
 */
public final class Fixtures {
  /** System property that names the fixtures folder; the build sets it. */
  public static final String PROPERTY = "mlsys.fixtures";

  private Fixtures() {}

  /** The fixtures folder if it exists. */
  public static java.util.Optional<Path> root() {
    String configured = System.getProperty(PROPERTY);
    if (configured != null && Files.isDirectory(Path.of(configured))) {
      return java.util.Optional.of(Path.of(configured).toAbsolutePath().normalize());
    }
    // Walk up from the working directory: ../shared/fixtures beside the checkout.
    Path dir = Paths.get("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("../shared/fixtures").normalize();
      if (Files.isDirectory(candidate)) {
        return java.util.Optional.of(candidate);
      }
      dir = dir.getParent();
    }
    return java.util.Optional.empty();
  }

  /**
   * The fixtures folder, for benchmarks and tools that cannot skip as a test does.
   *
   * @throws IllegalStateException when it is not found
   */
  public static Path rootOrThrow() {
    return root()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "fixtures folder not found (expected: -D"
                        + PROPERTY
                        + "=DIR or ../shared/fixtures above the working directory)"));
  }

  /**
   * A file under the fixtures folder, e.g. {@code sklearn-iris/iris_svc.onnx}; skips the calling
   * test when it is not there.
   */
  public static Path require(String relativePath) {
    java.util.Optional<Path> root = root();
    Assumptions.assumeTrue(
        root.isPresent(),
        "skipped: ../shared/fixtures is absent (set -D"
            + PROPERTY
            + "=DIR to run tests that need the shared models)");
    Path file = root.get().resolve(relativePath);
    Assumptions.assumeTrue(
        Files.exists(file), "skipped: fixture " + file + " is absent from ../shared/fixtures");
    return file;
  }
}
