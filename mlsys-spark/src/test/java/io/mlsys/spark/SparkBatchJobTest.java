package io.mlsys.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchRun;
import io.mlsys.batch.FailurePolicy;
import io.mlsys.config.ConfigException;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark in local mode ({@code local[2]}) predicting the iris fixtures with the iris SVC of a model
 * repository: the fixtures' expected answers, the same predictions as an in-process {@link
 * BatchRun} over 12,000 rows, and the errors a user sees. One Spark session for the class: its
 * start takes seconds.
 */
class SparkBatchJobTest {
  /** The fixtures README's rows, with the labels and probabilities ONNX Runtime gives them. */
  private static final String ROWS =
      "5.1,3.5,1.4,0.2\n1,2,3,4\n6.7,3.0,5.2,2.3\n50,30.1,111.4,110.2\n";

  private static final long[] LABELS = {0, 2, 2, 2};
  private static final float[][] PROBABILITIES = {
    {0.9709316f, 0.015583082f, 0.0134853665f},
    {0.36133277f, 0.25747606f, 0.38119125f},
    {0.009793723f, 0.009877714f, 0.9803286f},
    {0.36135396f, 0.2574421f, 0.38120386f}
  };

  @TempDir static Path shared;
  private static SparkSession spark;
  private static ModelKey iris;

  @TempDir Path dir;

  private final ManualClock clock = ManualClock.startingAt("2026-12-07T10:00:00Z");

  @BeforeAll
  static void start() throws IOException {
    Path version = Files.createDirectories(shared.resolve("models/iris/1"));
    // Linked, never copied: fixtures are read in place.
    Files.createSymbolicLink(
        version.resolve("model.onnx"), Fixtures.require("sklearn-iris/iris_svc.onnx"));
    iris = new ModelKey(shared.resolve("models").toString(), "iris", null);
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SparkBatchJobTest")
            .config("spark.ui.enabled", false)
            .config("spark.log.level", "WARN")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", 2)
            // Input files split into partitions of 32 KB: rand_iris.csv (192 KB) into six, so rows
            // are numbered across partitions.
            .config("spark.sql.files.maxPartitionBytes", 32 * 1024)
            .config("spark.sql.files.openCostInBytes", 0)
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private SparkBatchReport run(SparkBatchOptions options) {
    return new SparkBatchJob(spark, clock).run(options);
  }

  private List<Row> readSorted(Path output, DataFormat format) {
    return (format == DataFormat.PARQUET
            ? spark.read().parquet(output.toString())
            : spark
                .read()
                .option("header", true)
                .option("inferSchema", true)
                .csv(output.toString()))
        .orderBy("row")
        .collectAsList();
  }

  @Test
  void predictsTheFixtureRowsAsOnnxRuntimeDoesIntoCsvWithTheBatchColumns() throws IOException {
    Path input = Files.writeString(dir.resolve("rows.csv"), ROWS);
    Path output = dir.resolve("predictions");

    SparkBatchReport report =
        run(SparkBatchOptions.of(iris, input.toString(), output.toString()).withBatchRows(3));

    assertThat(report.rows()).isEqualTo(4);
    List<Row> rows = readSorted(output, DataFormat.CSV);
    assertThat(rows.getFirst().schema().fieldNames())
        .containsExactly(
            "row",
            "output_label",
            "output_probability[0]",
            "output_probability[1]",
            "output_probability[2]");
    assertThat(rows).hasSize(4);
    for (int r = 0; r < 4; r++) {
      Row row = rows.get(r);
      assertThat(((Number) row.get(0)).longValue()).isEqualTo(r + 1);
      assertThat(((Number) row.get(1)).longValue())
          .as("label of row %d", r + 1)
          .isEqualTo(LABELS[r]);
      for (int c = 0; c < 3; c++) {
        assertThat(((Number) row.get(2 + c)).doubleValue())
            .as("P(%d) of row %d", c, r + 1)
            .isCloseTo(PROBABILITIES[r][c], within(1e-5));
      }
    }
    // One model in this JVM: the driver's and both task threads' (local mode shares the JVM).
    assertThat(ExecutorModels.loadedCount()).isEqualTo(1);
    // The CSV text is the in-process run's, line for line (each part file starts with the header).
    ExecutorModels.Loaded model = ExecutorModels.get(iris);
    Path inProcess = dir.resolve("in-process.csv");
    new BatchRun(model.predictor(), model.metadata(), BatchOptions.defaults(), clock)
        .run(input, inProcess, BatchProgress.NONE);
    List<String> expected = Files.readAllLines(inProcess);
    List<String> lines = new java.util.ArrayList<>();
    try (var parts = Files.newDirectoryStream(output, "part-*")) {
      for (Path part : parts) {
        List<String> partLines = Files.readAllLines(part);
        assertThat(partLines.getFirst()).isEqualTo(expected.getFirst());
        lines.addAll(partLines.subList(1, partLines.size()));
      }
    }
    lines.sort(java.util.Comparator.comparingLong(line -> Long.parseLong(line.split(",")[0])));
    assertThat(lines).containsExactlyElementsOf(expected.subList(1, expected.size()));
  }

  @Test
  void givesTheSamePredictionsAsAnInProcessBatchRunOverTwelveThousandRows() throws IOException {
    Path input = Fixtures.require("sklearn-iris/rand_iris.csv");
    Path output = dir.resolve("predictions.parquet");

    SparkBatchReport report =
        run(
            SparkBatchOptions.of(iris, input.toString(), output.toString())
                .withBatchRows(100)
                .withPartitions(3));

    ExecutorModels.Loaded model = ExecutorModels.get(iris);
    Path inProcess = dir.resolve("in-process.csv");
    new BatchRun(model.predictor(), model.metadata(), BatchOptions.defaults(), clock)
        .run(input, inProcess, BatchProgress.NONE);
    List<String> expected = Files.readAllLines(inProcess);
    List<Row> rows = readSorted(output, DataFormat.PARQUET);
    assertThat(report.rows()).isEqualTo(12_000);
    assertThat(expected).hasSize(12_001);
    assertThat(String.join(",", rows.getFirst().schema().fieldNames()))
        .isEqualTo(expected.getFirst());
    assertThat(rows).hasSize(12_000);
    for (int r = 0; r < rows.size(); r++) {
      String[] fields = expected.get(r + 1).split(",");
      Row row = rows.get(r);
      assertThat(row.getLong(0)).isEqualTo(Long.parseLong(fields[0]));
      assertThat(row.getLong(1)).as("label of row %d", r + 1).isEqualTo(Long.parseLong(fields[1]));
      for (int c = 0; c < 3; c++) {
        assertThat(row.getFloat(2 + c))
            .as("P(%d) of row %d", c, r + 1)
            .isEqualTo(Float.parseFloat(fields[2 + c]));
      }
    }
  }

  @Test
  void readsParquetColumnsByPositionCastToTheInputsType() {
    // Double columns with names of their own: the first four columns fill float_input in order.
    Path input = dir.resolve("rows.parquet");
    spark
        .read()
        .schema("sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, petal_width DOUBLE")
        .csv(writeRows())
        .coalesce(1)
        .write()
        .parquet(input.toString());
    Path output = dir.resolve("predictions.csv");

    run(SparkBatchOptions.of(iris, input.toString(), output.toString()));

    assertThat(readSorted(output, DataFormat.CSV))
        .extracting(row -> ((Number) row.get(1)).longValue())
        .containsExactly(LABELS[0], LABELS[1], LABELS[2], LABELS[3]);
  }

  private String writeRows() {
    try {
      return Files.writeString(dir.resolve("fixture-rows.csv"), ROWS).toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void rowsThatCannotBeReadGoToTheRejectOutputWithTheErrorsOfAnInProcessRun() throws IOException {
    Path input =
        Files.writeString(
            dir.resolve("rows.csv"),
            "5.1,3.5,1.4,0.2\n6.7,3.0,,2.3\n1,2,3\nx,3.0,5.2,2.3\n6.7,3.0,5.2,2.3\n");
    Path output = dir.resolve("predictions.csv");

    SparkBatchReport report =
        run(
            SparkBatchOptions.of(iris, input.toString(), output.toString())
                .withFailures(FailurePolicy.NONE, 0));

    assertThat(report.rows()).isEqualTo(2);
    assertThat(report.rejected()).isEqualTo(3);
    assertThat(readSorted(output, DataFormat.CSV))
        .extracting(row -> ((Number) row.get(0)).longValue())
        .containsExactly(1L, 5L);
    // The reject output beside it holds what mlsys batch run's reject file holds: row,error,line.
    ExecutorModels.Loaded model = ExecutorModels.get(iris);
    Path inProcess = dir.resolve("in-process.csv");
    new BatchRun(model.predictor(), model.metadata(), BatchOptions.defaults(), clock)
        .run(input, inProcess, BatchProgress.NONE);
    List<String> expected = Files.readAllLines(dir.resolve("in-process.rejects.csv"));
    assertThat(expected).hasSize(3);
    assertThat(partLines(dir.resolve("predictions.rejects.csv")))
        .containsExactlyElementsOf(expected);
    assertThat(expected.getFirst())
        .isEqualTo(
            "2,\"column 3 is '' (expected: a number for input float_input)\",\"6.7,3.0,,2.3\"");

    // Run again without a bad row: the earlier rejects go, as the job's outputs are replaced.
    Files.writeString(input, "5.1,3.5,1.4,0.2\n");
    SparkBatchReport clean =
        run(SparkBatchOptions.of(iris, input.toString(), output.toString()).withOverwrite(true));
    assertThat(clean.rejected()).isZero();
    assertThat(dir.resolve("predictions.rejects.csv")).doesNotExist();
  }

  /** The lines of a folder's part files, sorted by their first field (the row number). */
  private static List<String> partLines(Path folder) throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    try (var parts = Files.newDirectoryStream(folder, "part-*")) {
      for (Path part : parts) {
        lines.addAll(Files.readAllLines(part));
      }
    }
    lines.sort(java.util.Comparator.comparingLong(line -> Long.parseLong(line.split(",")[0])));
    return lines;
  }

  private Path job(String yaml) throws IOException {
    return Files.writeString(
        dir.resolve("job.yaml"),
        "model: { repository: " + shared.resolve("models") + ", name: iris }\n" + yaml);
  }

  private SparkBatchReport runJob(Path job, String... more) {
    String[] args = new String[1 + more.length];
    args[0] = job.toString();
    System.arraycopy(more, 0, args, 1, more.length);
    return new SparkBatchJob(spark, clock).run(SparkBatchJob.options(args));
  }

  /** The in-process run's CSV lines (header first) over the same rows, the reference. */
  private List<String> inProcess(Path csv) throws IOException {
    ExecutorModels.Loaded model = ExecutorModels.get(iris);
    Path output = dir.resolve("reference-" + csv.getFileName() + ".csv");
    new BatchRun(model.predictor(), model.metadata(), BatchOptions.defaults(), clock)
        .run(csv, output, BatchProgress.NONE);
    return Files.readAllLines(output);
  }

  /** JSON lines of a folder's part files, as CSV lines of their values (keys in order). */
  private static List<String> jsonAsCsv(Path folder, List<String> header) throws IOException {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = new java.util.ArrayList<>();
    try (var parts = Files.newDirectoryStream(folder, "part-*")) {
      for (Path part : parts) {
        for (String line : Files.readAllLines(part)) {
          var node = json.readTree(line);
          List<String> values = new java.util.ArrayList<>();
          for (String key : header) {
            values.add(node.get(key).asText());
          }
          lines.add(String.join(",", values));
        }
      }
    }
    lines.sort(java.util.Comparator.comparingLong(line -> Long.parseLong(line.split(",")[0])));
    return lines;
  }

  @Test
  void aJobFileWithCsvInAndJsonlOutGivesTheInProcessPredictions() throws IOException {
    Path input = Files.writeString(dir.resolve("rows.csv"), "a,b,c,d\n" + ROWS + "1,2,x,4\n");
    Path job =
        job(
            """
            source: { csv: rows.csv }
            sink: { jsonl: out/predictions.jsonl }
            reject: { jsonl: out/rejects.jsonl }
            batch-rows: 2
            chunk-rows: 100
            failure-policy: { retry: failed-rows, attempts: 2 }
            checkpoint: ignored.checkpoint
            """);

    SparkBatchReport report = runJob(job);

    assertThat(report.rows()).isEqualTo(4);
    assertThat(report.rejected()).isEqualTo(1);
    List<String> expected = inProcess(input);
    List<String> header = List.of(expected.getFirst().split(","));
    assertThat(jsonAsCsv(dir.resolve("out/predictions.jsonl"), header))
        .containsExactlyElementsOf(expected.subList(1, expected.size()));
    List<Row> rejects =
        spark.read().json(dir.resolve("out/rejects.jsonl").toString()).collectAsList();
    assertThat(rejects).hasSize(1);
    assertThat(rejects.getFirst().<Long>getAs("row")).isEqualTo(5L);
    assertThat(rejects.getFirst().<String>getAs("error"))
        .isEqualTo("column 3 is 'x' (expected: a number for input float_input)");
    assertThat(rejects.getFirst().<String>getAs("line")).isEqualTo("1,2,x,4");
  }

  @Test
  void aJobFileReadsJsonLinesAsMlsysBatchRunDoes() throws IOException {
    // Objects with the features under one key (a field per element), keys in any order.
    StringBuilder jsonl = new StringBuilder();
    List<String> rows = ROWS.lines().toList();
    for (int i = 0; i < rows.size(); i++) {
      jsonl
          .append("{\"id\": ")
          .append(i)
          .append(", \"features\": [")
          .append(rows.get(i))
          .append("]}\n");
    }
    jsonl.append("\n{\"id\": 9}\nnot json\n");
    Files.writeString(dir.resolve("rows.jsonl"), jsonl);
    Path csv = Files.writeString(dir.resolve("rows.csv"), ROWS);
    Path job =
        job(
            """
            source: { jsonl: rows.jsonl, columns: [features] }
            sink: { parquet: predictions.parquet }
            """);

    SparkBatchReport report = runJob(job);

    assertThat(report.rows()).isEqualTo(4);
    assertThat(report.rejected()).isEqualTo(2);
    List<String> expected = inProcess(csv);
    List<String> got = new java.util.ArrayList<>();
    for (Row row : readSorted(dir.resolve("predictions.parquet"), DataFormat.PARQUET)) {
      List<String> values = new java.util.ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(String.valueOf(row.get(i)));
      }
      got.add(String.join(",", values));
    }
    assertThat(got).containsExactlyElementsOf(expected.subList(1, expected.size()));
    assertThat(
            spark
                .read()
                .parquet(dir.resolve("predictions.rejects.parquet").toString())
                .orderBy("row")
                .collectAsList())
        .extracting(row -> row.getLong(0) + ": " + row.getString(1))
        .satisfiesExactly(
            first ->
                assertThat(first)
                    .isEqualTo("5: has no key 'features' (expected: columns [features])"),
            second ->
                assertThat(second).startsWith("6: not a JSON line (Unrecognized token 'not'"));
  }

  @Test
  void aJobFileReadsAndWritesPostgresqlTablesInRangesOfTheOrderColumn() throws Exception {
    List<String> traffic = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"));
    List<String> sample = traffic.subList(0, 3_000);
    Path csv = Files.writeString(dir.resolve("rows.csv"), String.join("\n", sample) + "\n");
    try (PostgresDatabase database = PostgresDatabase.create("spark")) {
      try (var connection =
              java.sql.DriverManager.getConnection(database.url(), database.user(), null);
          var statement = connection.createStatement()) {
        statement.execute(
            "CREATE TABLE iris_rows (id BIGINT PRIMARY KEY, a REAL, b REAL, c REAL, d REAL)");
        // Inserted backwards: the order-by column, not the insertion, orders the rows.
        StringBuilder insert = new StringBuilder("INSERT INTO iris_rows VALUES ");
        for (int i = sample.size() - 1; i >= 0; i--) {
          insert.append('(').append(i * 10).append(',').append(sample.get(i)).append(')');
          insert.append(i > 0 ? "," : "");
        }
        statement.execute(insert.toString());
      }
      Path job =
          job(
              """
              source:
                jdbc: { url: "%s", user: %s, table: iris_rows, order-by: id }
                columns: [a, b, c, d]
              sink:
                jdbc: { url: "%s", user: %s, table: iris_predictions }
              """
                  .formatted(database.url(), database.user(), database.url(), database.user()));

      SparkBatchReport report = runJob(job, "--partitions", "3");

      assertThat(report.rows()).isEqualTo(3_000);
      assertThat(tableAsCsv(database.url(), database.user(), "iris_predictions"))
          .containsExactlyElementsOf(labelsOf(inProcess(csv)));
      // The reject table is there, empty: a job without rejects leaves none of an earlier run.
      assertThat(tableAsCsv(database.url(), database.user(), "iris_predictions_rejects")).isEmpty();
    }
  }

  @Test
  void aJobFileReadsASqliteQueryAndWritesASqliteTable() throws Exception {
    Path csv = Files.writeString(dir.resolve("rows.csv"), ROWS);
    String url = "jdbc:sqlite:" + dir.resolve("iris.db");
    try (var connection = java.sql.DriverManager.getConnection(url);
        var statement = connection.createStatement()) {
      statement.execute("CREATE TABLE rows (id INTEGER, a REAL, b REAL, c REAL, d REAL)");
      List<String> rows = ROWS.lines().toList();
      for (int i = rows.size() - 1; i >= 0; i--) {
        statement.execute("INSERT INTO rows VALUES (" + i + "," + rows.get(i) + ")");
      }
    }
    Path job =
        job(
            """
            source: { jdbc: { url: "%s", query: "SELECT a, b, c, d FROM rows ORDER BY id" } }
            sink: { jdbc: { url: "%s", table: predictions } }
            """
                .formatted(url, url));

    SparkBatchReport report = runJob(job);

    assertThat(report.rows()).isEqualTo(4);
    assertThat(tableAsCsv(url, null, "predictions"))
        .containsExactlyElementsOf(labelsOf(inProcess(csv)));
  }

  /** Each row's number and label, from a table ordered by row. */
  private static List<String> tableAsCsv(String url, String user, String table) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    try (var connection = java.sql.DriverManager.getConnection(url, user, null);
        var statement = connection.createStatement();
        var result = statement.executeQuery("SELECT * FROM " + table + " ORDER BY \"row\"")) {
      while (result.next()) {
        rows.add(result.getLong(1) + "," + result.getLong(2));
      }
    }
    return rows;
  }

  /** Each row's number and label, from an in-process run's CSV lines. */
  private static List<String> labelsOf(List<String> lines) {
    return lines.subList(1, lines.size()).stream()
        .map(line -> line.substring(0, line.indexOf(',', line.indexOf(',') + 1)))
        .toList();
  }

  @Test
  void aModelFailingOnOneRowFollowsTheFailurePolicy() throws IOException {
    // The iris model, failing any call that holds a row whose first value is 99.
    ExecutorModels.Loaded model = ExecutorModels.get(iris);
    ModelKey failing = new ModelKey(iris.repository(), "iris-failing-on-99", null);
    ExecutorModels.hold(
        failing,
        new ExecutorModels.Loaded(
            (request, context) -> {
              float[] values = request.input("float_input").orElseThrow().floats();
              for (int i = 0; i < values.length; i += 4) {
                if (values[i] == 99f) {
                  throw new IllegalStateException("no answer for 99");
                }
              }
              return model.predictor().infer(request, context);
            },
            model.metadata()));
    Path input =
        Files.writeString(
            dir.resolve("rows.csv"), "5.1,3.5,1.4,0.2\n99,3.0,5.2,2.3\n6.7,3.0,5.2,2.3\n1,2\n");
    SparkBatchOptions options =
        SparkBatchOptions.of(failing, input.toString(), dir.resolve("out.csv").toString())
            .withBatchRows(4)
            .withOverwrite(true);

    // failed-rows: the batch's rows one by one; the failing one rejected with the model's error.
    SparkBatchReport report = run(options.withFailures(FailurePolicy.ROWS, 1));
    assertThat(report.rows()).isEqualTo(2);
    assertThat(report.rejected()).isEqualTo(2);
    assertThat(partLines(dir.resolve("out.rejects.csv")))
        .containsExactly(
            "2,\"no answer for 99\",\"99,3.0,5.2,2.3\"",
            "4,\"has 2 fields (expected: 4, float_input 4 x FP32)\",\"1,2\"");
    // retry (all), then none: the job fails, naming the rows of the failing call (the small file
    // is split in several partitions: rows 1 and 2, or 1 to 3, are one call).
    assertThatThrownBy(() -> run(options.withFailures(FailurePolicy.RETRY, 1)))
        .isInstanceOf(SparkBatchException.class)
        .hasMessageMatching(
            "rows [12] to [23]: model iris-failing-on-99 failed 2 times \\(no answer for 99\\)");
    assertThatThrownBy(() -> run(options.withFailures(FailurePolicy.NONE, 0)))
        .isInstanceOf(SparkBatchException.class)
        .hasMessageMatching(
            "rows [12] to [23]: model iris-failing-on-99 failed \\(no answer for 99\\)");
  }

  @Test
  void aJobFileSparkCannotRunFailsNamingTheKey() throws IOException {
    Path job =
        Files.writeString(
            dir.resolve("job.yaml"),
            """
            source: { csv: rows.csv }
            model: { registry: iris@champion }
            sink: { csv: predictions.csv }
            """);
    assertThatThrownBy(() -> SparkBatchJob.options(new String[] {job.toString()}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.registry: iris@champion (not on Spark");
    Path typo =
        Files.writeString(
            dir.resolve("typo.yaml"),
            "source: { csv: rows.csv }\nmodel: { repository: m, name: iris }\nsink: { cvs: p.csv }\n");
    assertThatThrownBy(() -> SparkBatchJob.options(new String[] {typo.toString()}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sink.cvs");
  }

  @Test
  void theCommandLineNamesAMissingOrInvalidOption() {
    assertThatThrownBy(() -> SparkBatchOptions.parse(new String[] {"--model", "iris"}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--model-repository");
    assertThatThrownBy(
            () ->
                SparkBatchOptions.parse(
                    new String[] {
                      "--model-repository",
                      "m",
                      "--model",
                      "iris",
                      "--input",
                      "in.csv",
                      "--output",
                      "out",
                      "--batch-rows",
                      "0"
                    }))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--batch-rows: 0 (expected: between 1 and");
    SparkBatchOptions options =
        SparkBatchOptions.parse(
            new String[] {
              "--model-repository",
              "m",
              "--model",
              "iris",
              "--input",
              "rows.parquet",
              "--output",
              "out",
              "--output-format",
              "parquet",
              "--header",
              "yes",
              "--overwrite"
            });
    assertThat(options.source().format()).isEqualTo(DataFormat.PARQUET);
    assertThat(options.sink().format()).isEqualTo(DataFormat.PARQUET);
    assertThat(options.source().header()).isTrue();
    assertThat(options.reject().path()).isEqualTo("out.rejects");
    assertThat(options.overwrite()).isTrue();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        SparkBatchJob.run(
            new String[] {"--model", "iris", "--colour", "blue"},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--colour: unknown option");
  }
}
