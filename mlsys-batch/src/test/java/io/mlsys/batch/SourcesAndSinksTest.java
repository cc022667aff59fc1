package io.mlsys.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Predictor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each source and sink over the iris SVC: a run that stops at a failing chunk and is run again ends
 * with every row once, and the sinks hold the same predictions as the CSV sink.
 */
class SourcesAndSinksTest {
  private static final int ROWS = 3_000;
  private static OnnxModel iris;
  private static List<String> lines;

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");

  @TempDir Path dir;

  @BeforeAll
  static void load() throws Exception {
    iris =
        OnnxModel.load(
            Fixtures.require("sklearn-iris/iris_svc.onnx"), OnnxModelOptions.defaults("iris", "1"));
    lines = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv")).subList(0, ROWS);
  }

  @AfterAll
  static void close() {
    iris.close();
  }

  private static BatchOptions options() {
    return BatchOptions.defaults()
        .withChunkRows(500)
        .withBatchRows(100)
        .withFailures(FailurePolicy.NONE);
  }

  /** Fails its thirteenth call (the third chunk's third batch), then works. */
  private static Predictor failingOnce() {
    AtomicInteger calls = new AtomicInteger();
    return (request, context) -> {
      if (calls.incrementAndGet() == 13) {
        throw new ModelExecutionException("iris", "down for a moment", null);
      }
      return iris.infer(request, context);
    };
  }

  /** Runs once into a failure, then again to the end; returns the second report. */
  private BatchReport runTwice(SourceSpec source, SinkSpec sink, Path checkpoint) throws Exception {
    SinkSpec rejects = sink.defaultRejects();
    assertThatThrownBy(
            () ->
                new BatchRun(failingOnce(), iris.metadata(), options(), clock)
                    .run(source, sink, rejects, checkpoint, BatchProgress.NONE))
        .isInstanceOf(BatchException.class)
        .hasMessageContaining("the same command resumes it");
    assertThat(Checkpoint.read(checkpoint).rowsDone()).isEqualTo(1000);
    return new BatchRun(iris, iris.metadata(), options(), clock)
        .run(source, sink, rejects, checkpoint, BatchProgress.NONE);
  }

  private List<String> csvLabels() throws Exception {
    Path input = dir.resolve("reference.csv");
    Files.write(input, lines);
    Path output = dir.resolve("reference-out.csv");
    new BatchRun(iris, iris.metadata(), options(), clock).run(input, output, BatchProgress.NONE);
    List<String> labels = new ArrayList<>();
    for (String line : Files.readAllLines(output).subList(1, ROWS + 1)) {
      labels.add(line.split(",")[1]);
    }
    return labels;
  }

  @Test
  void jsonlInJsonlOutResumesWithEveryRowOnce() throws Exception {
    Path input = dir.resolve("rows.jsonl");
    List<String> json = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(",");
      json.add(
          "{\"id\": 7, \"a\": "
              + f[0]
              + ", \"b\": "
              + f[1]
              + ", \"c\": "
              + f[2]
              + ", \"d\": "
              + f[3]
              + "}");
    }
    Files.write(input, json);
    Path output = dir.resolve("out.jsonl");
    SourceSpec source = new SourceSpec(null, input, null, null, null, List.of("a", "b", "c", "d"));

    BatchReport report =
        runTwice(source, new SinkSpec(null, output, null, null), dir.resolve("out.checkpoint"));

    assertThat(report.resumedAt()).isEqualTo(1000);
    assertThat(report.predicted()).isEqualTo(ROWS);
    ObjectMapper mapper = new ObjectMapper();
    List<String> written = Files.readAllLines(output);
    assertThat(written).hasSize(ROWS);
    List<String> labels = csvLabels();
    for (int r = 0; r < ROWS; r++) {
      var node = mapper.readTree(written.get(r));
      assertThat(node.get("row").asLong()).isEqualTo(r + 1L);
      assertThat(node.get("output_label").isNumber()).isTrue();
      assertThat(node.get("output_label").asText()).isEqualTo(labels.get(r));
    }
  }

  @Test
  void sqliteTableInSqliteTableOutResumesWithEveryRowOnce() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("rows.db");
    try (Connection db = DriverManager.getConnection(url);
        Statement statement = db.createStatement()) {
      statement.execute(
          "CREATE TABLE flowers (id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL, d REAL)");
      db.setAutoCommit(false);
      try (PreparedStatement insert =
          db.prepareStatement("INSERT INTO flowers VALUES (?, ?, ?, ?, ?)")) {
        for (int r = 0; r < ROWS; r++) {
          String[] f = lines.get(r).split(",");
          insert.setInt(1, r + 1);
          for (int c = 0; c < 4; c++) {
            insert.setDouble(c + 2, Double.parseDouble(f[c]));
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
      db.commit();
    }
    SourceSpec source =
        new SourceSpec(
            null,
            null,
            null,
            new JdbcTable(url, null, null, "flowers", null, "id"),
            null,
            List.of("a", "b", "c", "d"));
    SinkSpec sink =
        new SinkSpec(null, null, null, new JdbcTable(url, null, null, "predictions", null, null));

    BatchReport report = runTwice(source, sink, dir.resolve("job.checkpoint"));

    assertThat(report.predicted()).isEqualTo(ROWS);
    List<String> labels = csvLabels();
    try (Connection db = DriverManager.getConnection(url);
        Statement statement = db.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT \"row\", output_label FROM predictions ORDER BY \"row\"")) {
      int r = 0;
      while (rows.next()) {
        assertThat(rows.getLong(1)).isEqualTo(r + 1L);
        assertThat(Long.toString(rows.getLong(2))).isEqualTo(labels.get(r));
        r++;
      }
      assertThat(r).isEqualTo(ROWS);
    }
  }

  @Test
  void parquetOutIsPartsAndAManifestAndReadsBackAsASource() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.write(input, lines);
    Path folder = dir.resolve("predictions");

    BatchReport report =
        runTwice(
            SourceSpec.ofCsv(input, false),
            new SinkSpec(null, null, folder, null),
            dir.resolve("p.checkpoint"));

    assertThat(report.predicted()).isEqualTo(ROWS);
    assertThat(folder.resolve(ParquetSink.MANIFEST)).exists();
    try (var parts = Files.list(folder)) {
      assertThat(parts.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(6);
    }
    // The parts read back as a source, in order: four of their columns fill the model's four
    // inputs, and every row arrives once.
    Path again = dir.resolve("again.csv");
    new BatchRun(iris, iris.metadata(), options(), clock)
        .run(
            new SourceSpec(
                null,
                null,
                folder,
                null,
                null,
                List.of(
                    "output_probability[0]",
                    "output_probability[1]",
                    "output_probability[2]",
                    "row")),
            SinkSpec.ofCsv(again),
            SinkSpec.ofCsv(BatchRun.rejectsOf(again)),
            dir.resolve("again.checkpoint"),
            BatchProgress.NONE);
    List<String> out = Files.readAllLines(again);
    assertThat(out).hasSize(ROWS + 1);
    assertThat(out.get(1)).startsWith("1,");
    assertThat(out.get(ROWS)).startsWith(ROWS + ",");
  }

  @Test
  void aCheckpointOfTheCsvOnlyVersionIsResumed() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.write(input, lines);
    Path output = dir.resolve("out.csv");
    new BatchRun(iris, iris.metadata(), options(), clock).run(input, output, BatchProgress.NONE);
    List<String> complete = Files.readAllLines(output);
    // What a version 1 run left after 1,000 rows (header + 1,000 lines), plus half a chunk after.
    long bytes = 0;
    for (String line : complete.subList(0, 1001)) {
      bytes += line.length() + 1;
    }
    try (var channel =
        java.nio.channels.FileChannel.open(output, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(bytes + 200);
    }
    Files.writeString(
        Checkpoint.fileOf(output),
        "{\"version\":1,\"input\":\""
            + input
            + "\",\"input_size\":"
            + Files.size(input)
            + ",\"input_modified\":"
            + Files.getLastModifiedTime(input).toMillis()
            + ",\"model\":\"iris:1\",\"header\":false,\"rows_done\":1000,\"predicted\":1000,"
            + "\"rejected\":0,\"output_bytes\":"
            + bytes
            + ",\"reject_bytes\":0}");

    BatchReport report =
        new BatchRun(iris, iris.metadata(), options(), clock)
            .run(input, output, BatchProgress.NONE);

    assertThat(report.resumedAt()).isEqualTo(1000);
    assertThat(Files.readAllLines(output)).isEqualTo(complete);
  }

  @Test
  void progressIsPublishedAsGaugesAfterEveryChunk() throws Exception {
    Path input = dir.resolve("rows.csv");
    Files.write(input, lines);
    var registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    List<Double> seen = new ArrayList<>();
    BatchMetrics metrics = new BatchMetrics(registry, "nightly");
    new BatchRun(iris, iris.metadata(), options(), clock)
        .run(
            input,
            dir.resolve("out.csv"),
            BatchMetrics.both(
                metrics,
                (done, predicted, rejected, fraction) ->
                    seen.add(
                        registry
                            .get("mlsys.batch.rows.done")
                            .tag("job", "nightly")
                            .gauge()
                            .value())));

    assertThat(seen).containsExactly(500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0);
    assertThat(registry.get("mlsys.batch.rows.predicted").gauge().value()).isEqualTo(ROWS);
    assertThat(registry.get("mlsys.batch.progress").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void aJobFileBindsStrictlyAndNamesTheBadKey() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(
        job,
        "source: { csv: rows.csv }\n"
            + "model: { repository: models, name: iris }\n"
            + "sink: { jsonl: out.jsonl }\n"
            + "failure-policy: { retry: failed-rows, attempts: 2 }\n"
            + "chunk-rows: 100\n");
    BatchJob loaded = BatchJob.load(job, java.util.Map.of());
    assertThat(loaded.source().csv()).isEqualTo(dir.resolve("rows.csv"));
    assertThat(loaded.options().failures()).isEqualTo(FailurePolicy.ROWS);
    assertThat(loaded.options().retries()).isEqualTo(1);
    assertThat(loaded.checkpointFile()).isEqualTo(dir.resolve("out.jsonl.checkpoint"));
    assertThat(loaded.rejectSink().jsonl()).isEqualTo(dir.resolve("out.rejects.jsonl"));

    Files.writeString(
        job,
        "source: { csv: rows.csv, colums: [a] }\n"
            + "model: { repository: models, name: iris }\n"
            + "sink: { csv: a.csv, jsonl: b.jsonl }\n"
            + "schedule: { cron: \"every day\" }\n");
    assertThatThrownBy(() -> BatchJob.load(job, java.util.Map.of()))
        .hasMessageContaining("source.colums")
        .hasMessageContaining("sink.csv")
        .hasMessageContaining("schedule.cron");
  }

  @Test
  void numbersParseExactlyAsTheJdkDoes() {
    String[] texts = {
      "5.1",
      "-0.25",
      "3",
      ".5",
      "1e3",
      "1.17549435E-38",
      "3.4028235e38",
      "0.1",
      "123456789012345678",
      "7.000000000000001",
      "1.00000017881393421514957253748434595763683319091796875",
      "-0",
      "NaN"
    };
    for (String text : texts) {
      assertThat(Float.floatToRawIntBits(Numbers.parseFloat(text)))
          .as(text)
          .isEqualTo(Float.floatToRawIntBits(Float.parseFloat(text)));
      assertThat(Double.doubleToRawLongBits(Numbers.parseDouble(text)))
          .as(text)
          .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }
    java.util.SplittableRandom random = new java.util.SplittableRandom(14);
    for (int i = 0; i < 200_000; i++) {
      String text =
          String.format(
              java.util.Locale.ROOT,
              "%." + random.nextInt(1, 9) + "f",
              random.nextDouble(-1000, 1000));
      assertThat(Numbers.parseFloat(text)).as(text).isEqualTo(Float.parseFloat(text));
    }
    assertThatThrownBy(() -> Numbers.parseFloat("1.2.3")).isInstanceOf(NumberFormatException.class);
  }
}
