package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mlsys batch run} in a JVM of its own, killed with SIGKILL three times while it writes,
 * then run again with the same command until it completes: the output holds every input row exactly
 * once, in order.
 */
@Timeout(600)
class BatchKillIT {
  private static final int COPIES = 30;

  @TempDir Path dir;

  @Test
  void aRunKilledWithSigkillAndStartedAgainEndsWithEveryRowOnce() throws Exception {
    Path repository = dir.resolve("models");
    Files.createDirectories(repository.resolve("iris/1"));
    Files.copy(
        Fixtures.require("sklearn-iris/iris_svc.onnx"), repository.resolve("iris/1/model.onnx"));
    List<String> rows = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"));
    Path input = dir.resolve("rows.csv");
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < COPIES; i++) {
      copies.addAll(rows);
    }
    Files.write(input, copies);
    Path output = dir.resolve("predictions.csv");
    Path checkpoint = dir.resolve("predictions.csv.checkpoint");
    List<String> command =
        ChildMlsys.command(
            "batch",
            "run",
            "--model-repository",
            repository.toString(),
            "--model",
            "iris",
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--chunk-rows",
            "2000");

    int kills = ChildMlsys.killAfterEachCheckpoint(() -> start(command), checkpoint, 3);
    Process last = start(command);
    assertThat(last.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String said = new String(last.getInputStream().readAllBytes());
    assertThat(last.exitValue()).as(said).isZero();

    assertThat(kills).as("runs killed before the end").isGreaterThanOrEqualTo(2);
    assertThat(said)
        .contains(rows.size() * COPIES + " rows: " + rows.size() * COPIES + " predicted");
    assertThat(said).contains("resumed after row");
    List<String> lines = Files.readAllLines(output);
    assertThat(lines).hasSize(rows.size() * COPIES + 1);
    for (int r = 1; r < lines.size(); r++) {
      String number = lines.get(r).substring(0, lines.get(r).indexOf(','));
      assertThat(number).isEqualTo(Integer.toString(r));
    }
    assertThat(checkpoint).doesNotExist();
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    return builder.start();
  }
}
