package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs each example's {@code run.sh} as a new user would, against the jar this build just packaged.
 * The scripts check their own answers and exit non-zero on any mismatch.
 */
class ExamplesIT {
  private static final long TIMEOUT_MINUTES = 5;

  /**
   * Every folder of examples/ with a run.sh; only the one named by {@code -Dexample=NAME} when it
   * is set (to run one example: {@code -Dit.test=ExamplesIT -Dexample=circuit-break}).
   */
  static Stream<String> examples() throws IOException {
    String only = System.getProperty("example", "");
    try (Stream<Path> folders = Files.list(checkoutRoot().resolve("examples"))) {
      return folders
          .filter(folder -> Files.isRegularFile(folder.resolve("run.sh")))
          .filter(folder -> only.isBlank() || folder.getFileName().toString().equals(only))
          .map(folder -> folder.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  /** The examples that train stand-ins for the shared fixtures' models when those are absent. */
  static Stream<String> standaloneExamples() throws IOException {
    Path root = checkoutRoot();
    List<String> standalone = new ArrayList<>();
    for (String example : examples().toList()) {
      String script = Files.readString(root.resolve("examples").resolve(example).resolve("run.sh"));
      if (script.contains("fixtures_or_stand_ins")) {
        standalone.add(example);
      }
    }
    return standalone.stream();
  }

  @ParameterizedTest(allowZeroInvocations = true)
  @MethodSource("examples")
  void exampleRunsAsWritten(String example) throws IOException, InterruptedException {
    String fixtures = System.getProperty("mlsys.fixtures");
    String log =
        run(example, fixtures != null && Files.isDirectory(Path.of(fixtures)) ? fixtures : null);
    // Examples built on ../shared/fixtures skip themselves (exit 0) when it is absent.
    Assumptions.assumeFalse(log.contains("skipped: needs"), example + ": " + log.strip());
    assertThat(log).contains(example + ": all checks passed");
  }

  /** As in a fresh clone of this repository alone: no shared fixtures. */
  @ParameterizedTest(allowZeroInvocations = true)
  @MethodSource("standaloneExamples")
  void exampleRunsWithoutTheSharedFixtures(String example)
      throws IOException, InterruptedException {
    Path absent = Files.createTempDirectory("mlsys-no-fixtures").resolve("absent");

    String log = run(example, absent.toString());

    assertThat(log).contains("training stand-ins").contains(example + ": all checks passed");
  }

  /** Runs the example's run.sh with MLSYS_FIXTURES set to {@code fixtures}; returns its output. */
  private static String run(String example, String fixtures)
      throws IOException, InterruptedException {
    Path root = checkoutRoot();
    Path script = root.resolve("examples").resolve(example).resolve("run.sh");
    Path output = Files.createTempFile("mlsys-example-" + example, ".log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", script.toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
    builder.environment().put("PORT", Integer.toString(freePort()));
    builder.environment().put("GRPC_PORT", "0");
    builder.environment().put("MLSYS_NO_BUILD", "1");
    if (fixtures != null) {
      builder.environment().put("MLSYS_FIXTURES", Path.of(fixtures).toAbsolutePath().toString());
    }
    Process process = builder.start();
    boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroy);
      process.destroy();
    }
    String log = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(finished).as("finished within %d minutes:%n%s", TIMEOUT_MINUTES, log).isTrue();
    assertThat(process.exitValue()).as(log).isZero();
    return log;
  }

  /** The folder with mvnw, walking up from the module's working directory. */
  static Path checkoutRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("checkout root (folder with mvnw)").isNotNull();
    return dir;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
