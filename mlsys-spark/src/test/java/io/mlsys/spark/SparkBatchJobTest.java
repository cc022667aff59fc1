package io.mlsys.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchRun;
import io.mlsys.config.ConfigException;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
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
  void anEmptyFieldStopsTheJobNamingItsRowAndColumn() throws IOException {
    Path input = Files.writeString(dir.resolve("rows.csv"), "5.1,3.5,1.4,0.2\n6.7,3.0,,2.3\n");

    assertThatThrownBy(
            () -> run(SparkBatchOptions.of(iris, input.toString(), dir.resolve("out").toString())))
        .isInstanceOf(SparkBatchException.class)
        .hasMessage("row 2: column 3 is empty (expected: FP32 for input float_input)");
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
    assertThat(options.inputFormat()).isEqualTo(DataFormat.PARQUET);
    assertThat(options.outputFormat()).isEqualTo(DataFormat.PARQUET);
    assertThat(options.header()).isTrue();
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
