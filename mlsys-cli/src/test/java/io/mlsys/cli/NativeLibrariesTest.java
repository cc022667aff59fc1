package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.Fixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlsys serve} loads ONNX Runtime's native libraries from the data directory, extracted
 * once: a start leaves nothing in the system temp folder, even when killed with SIGKILL.
 */
class NativeLibrariesTest {
  private static final long START_TIMEOUT_SECONDS = 120;

  @TempDir Path dir;

  @Test
  void startsTwiceWithoutLeavingNativeLibrariesInTheTempFolder() throws Exception {
    Path model = Fixtures.require("sklearn-iris/iris_svc.onnx");
    Path version = Files.createDirectories(dir.resolve("models/iris/1"));
    Files.createSymbolicLink(version.resolve("model.onnx"), model);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path dataDir = dir.resolve("data");

    for (int start = 0; start < 2; start++) {
      Process server = serve(tmp, dataDir);
      try {
        assertThat(awaitServing(server)).contains("iris").contains("READY");
      } finally {
        // As `kill -9`: no shutdown hook, no deleteOnExit runs.
        server.destroyForcibly().waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left.map(path -> path.getFileName().toString()))
            .as("left in java.io.tmpdir after start %d", start + 1)
            .noneMatch(name -> name.startsWith("onnxruntime-java"));
      }
    }
    try (Stream<Path> extracted = Files.list(dataDir.resolve("native"))) {
      assertThat(extracted.map(path -> path.getFileName().toString()))
          .singleElement()
          .asString()
          .startsWith("onnxruntime-");
    }
  }

  private Process serve(Path tmp, Path dataDir) throws IOException {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command =
        List.of(
            java,
            "--enable-native-access=ALL-UNNAMED",
            "-Djava.io.tmpdir=" + tmp,
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--model-repository",
            dir.resolve("models").toString(),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--grpc-port",
            "off",
            "--data-dir",
            dataDir.toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    return builder.start();
  }

  /** The output up to the first model line after the startup line. */
  private static String awaitServing(Process server) throws Exception {
    CompletableFuture<String> serving =
        CompletableFuture.supplyAsync(
            () -> {
              StringBuilder output = new StringBuilder();
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                boolean started = false;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  output.append(line).append('\n');
                  if (started) {
                    return output.toString();
                  }
                  started = line.startsWith("mlsys serving on");
                }
              } catch (IOException e) {
                output.append(e);
              }
              throw new IllegalStateException("the server did not start:\n" + output);
            });
    return serving.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
