package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.Fixtures;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX Runtime 1.29's telemetry crashed the JVM when the command line exceeded about 4 KB (long
 * classpaths are the usual cause). We pin 1.28.0 and launchers set ORT_DISABLE_TELEMETRY=1; this
 * test starts a real JVM with an 8 KB+ classpath, with and without the variable, so an upgrade that
 * brings the crash back fails here rather than in production.
 */
class LongCommandLineTest {
  private static final int MIN_COMMAND_LINE_CHARS = 8 * 1024;
  private static final long CHILD_TIMEOUT_SECONDS = 60;

  @ParameterizedTest(name = "ORT_DISABLE_TELEMETRY set: {0}")
  @ValueSource(booleans = {true, false})
  void childJvmWithALongClasspathLoadsAndRunsAModel(boolean telemetryDisabled, @TempDir Path dir)
      throws Exception {
    Path model = Fixtures.require("sklearn-iris/iris_svc.onnx");
    String java = ProcessHandle.current().info().command().orElseThrow();
    StringBuilder classpath = new StringBuilder(System.getProperty("java.class.path"));
    for (int i = 0; classpath.length() < MIN_COMMAND_LINE_CHARS; i++) {
      // Entries that do not exist are ignored by the JVM; they only make the command line long.
      classpath.append(File.pathSeparator).append(dir.resolve("padding/entry-" + i + ".jar"));
    }
    List<String> command =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Xshare:auto",
            "-cp",
            classpath.toString(),
            LongCommandLineMain.class.getName(),
            model.toString());
    assertThat(String.join(" ", command).length()).isGreaterThan(MIN_COMMAND_LINE_CHARS);

    ProcessBuilder builder =
        new ProcessBuilder(new ArrayList<>(command))
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .redirectError(dir.resolve("stderr.txt").toFile());
    if (telemetryDisabled) {
      builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    } else {
      builder.environment().remove("ORT_DISABLE_TELEMETRY");
    }
    Process child = builder.start();
    boolean exited = child.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!exited) {
      child.destroyForcibly();
    }

    String stderr = Files.readString(dir.resolve("stderr.txt"));
    assertThat(exited)
        .as("child exited within %d s; stderr: %s", CHILD_TIMEOUT_SECONDS, stderr)
        .isTrue();
    assertThat(child.exitValue()).as("exit code; stderr: %s", stderr).isZero();
    assertThat(Files.readString(dir.resolve("stdout.txt"))).startsWith("label=0 p0=0.97093");
  }
}
