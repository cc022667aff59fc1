package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code mlsys batch run job.yaml} in a JVM of its own, for each sink other than CSV (which {@link
 * BatchKillIT} covers): killed with SIGKILL twice after it checkpointed chunks of its own, then run
 * again with the same command until it completes; the sink holds every input row exactly once. The
 * PostgreSQL sink is a table of the shared server (a table name of its own per run).
 */
@Timeout(600)
class BatchJobKillIT {
  private static final int COPIES = 20;
  private static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"jsonl", "parquet", "postgresql"})
  void aJobKilledWithSigkillAndStartedAgainEndsWithEveryRowOnce(String sink) throws Exception {
    Path repository = dir.resolve("models");
    Files.createDirectories(repository.resolve("iris/1"));
    Files.copy(
        Fixtures.require("sklearn-iris/iris_svc.onnx"), repository.resolve("iris/1/model.onnx"));
    List<String> rows = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"));
    List<String> copies = new ArrayList<>();
    for (int i = 0; i < COPIES; i++) {
      copies.addAll(rows);
    }
    int total = copies.size();
    Files.write(dir.resolve("rows.csv"), copies);
    String table = "batch_kill_" + Long.toHexString(System.nanoTime());
    String sinkYaml =
        switch (sink) {
          case "jsonl" -> "{ jsonl: predictions.jsonl }";
          case "parquet" -> "{ parquet: predictions }";
          default -> "{ jdbc: { url: \"" + PG_URL + "\", table: " + table + " } }";
        };
    Path job = dir.resolve("job.yaml");
    Files.writeString(
        job,
        "source: { csv: rows.csv }\n"
            + "model: { repository: models, name: iris }\n"
            + "sink: "
            + sinkYaml
            + "\n"
            + "chunk-rows: 2000\n"
            + "checkpoint: job.checkpoint\n");
    Path checkpoint = dir.resolve("job.checkpoint");
    List<String> command = ChildMlsys.command("batch", "run", job.toString());

    int kills = ChildMlsys.killAfterEachCheckpoint(() -> start(command), checkpoint, 2);
    Process last = start(command);
    assertThat(last.waitFor(300, TimeUnit.SECONDS)).isTrue();
    String said = new String(last.getInputStream().readAllBytes());
    assertThat(last.exitValue()).as(said).isZero();
    assertThat(kills).as("runs killed before the end").isGreaterThanOrEqualTo(1);
    assertThat(said).contains(total + " rows: " + total + " predicted");
    assertThat(said).contains("resumed after row");
    assertThat(checkpoint).doesNotExist();

    List<Long> numbers =
        switch (sink) {
          case "jsonl" -> jsonlRows(dir.resolve("predictions.jsonl"));
          case "parquet" -> parquetRows(dir.resolve("predictions"));
          default -> tableRows(table);
        };
    assertThat(numbers).hasSize(total);
    for (int r = 0; r < total; r++) {
      assertThat(numbers.get(r)).isEqualTo(r + 1L);
    }
  }

  private static List<Long> jsonlRows(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Long> numbers = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      numbers.add(json.readTree(line).get("row").asLong());
    }
    return numbers;
  }

  private static List<Long> parquetRows(Path folder) throws Exception {
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
        Statement statement = duckdb.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT \"row\" FROM read_parquet('"
                    + folder.resolve("*.parquet")
                    + "', filename = true) ORDER BY filename, \"row\"")) {
      return numbers(rows);
    }
  }

  private static List<Long> tableRows(String table) throws Exception {
    try (Connection pg = DriverManager.getConnection(PG_URL);
        Statement statement = pg.createStatement()) {
      List<Long> numbers;
      try (ResultSet rows =
          statement.executeQuery("SELECT \"row\" FROM " + table + " ORDER BY \"row\"")) {
        numbers = numbers(rows);
      }
      statement.execute("DROP TABLE " + table);
      statement.execute("DROP TABLE IF EXISTS " + table + "_rejects");
      return numbers;
    }
  }

  private static List<Long> numbers(ResultSet rows) throws Exception {
    List<Long> numbers = new ArrayList<>();
    while (rows.next()) {
      numbers.add(rows.getLong(1));
    }
    return numbers;
  }

  private Process start(List<String> command) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    return builder.start();
  }
}
