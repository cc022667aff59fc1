package io.mlsys.spark;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchRun;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Rows per second of batch prediction with the iris SVC over one million rows ({@code
 * rand_iris.csv} repeated), each way measured in the same JVM, in turns, on the same model: the
 * ONNX Runtime limit (256 ready-made rows a call, one caller and as many callers as cores), the
 * in-process {@link BatchRun} (CSV in, CSV out, a checkpoint per 10,000 rows) and the {@link
 * SparkBatchJob} in local mode on every core (CSV in; CSV and Parquet out). The model is loaded
 * before any of them, so no figure counts its load; Spark's figures count the whole job (the
 * numbering pass included), not the session's start.
 *
 * <p>Run by {@code bench/spark-batch.sh [ROWS] [RUNS]}; not a test.
 */
public final class SparkBatchBenchmark {
  private static final int BATCH_ROWS = 256;
  private static final long LIMIT_WINDOW_MILLIS = 2_000;

  private SparkBatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int cores = Runtime.getRuntime().availableProcessors();
    Path folder = Files.createTempDirectory("spark-batch-bench");
    try {
      Path version = Files.createDirectories(folder.resolve("models/iris/1"));
      Files.createSymbolicLink(
          version.resolve("model.onnx"), Fixtures.require("sklearn-iris/iris_svc.onnx"));
      ModelKey key = new ModelKey(folder.resolve("models").toString(), "iris", null);
      List<String> traffic = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"));
      Path input = folder.resolve("rows.csv");
      try (BufferedWriter writer = Files.newBufferedWriter(input)) {
        for (int i = 0; i < rows; i++) {
          writer.write(traffic.get(i % traffic.size()));
          writer.newLine();
        }
      }
      ExecutorModels.Loaded model = ExecutorModels.get(key);
      InferRequest batch = batch(traffic);
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + cores + "]")
              .appName("SparkBatchBenchmark")
              .config("spark.ui.enabled", false)
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      SparkBatchJob job = new SparkBatchJob(spark, Clock.systemUTC());
      // Warm-up: JIT, Spark's code generation, the model's first calls.
      job.run(
          SparkBatchOptions.of(
              key,
              Fixtures.require("sklearn-iris/rand_iris.csv").toString(),
              folder.resolve("warm-up").toString()));
      limit(model.predictor(), batch, 1);

      List<double[]> figures = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        double one = limit(model.predictor(), batch, 1);
        double all = limit(model.predictor(), batch, cores);
        Path output = folder.resolve("in-process-" + run + ".csv");
        BatchReport inProcess =
            new BatchRun(
                    model.predictor(),
                    model.metadata(),
                    BatchOptions.defaults().withBatchRows(BATCH_ROWS),
                    Clock.systemUTC())
                .run(input, output, BatchProgress.NONE);
        Files.delete(output);
        SparkBatchReport csv =
            job.run(
                SparkBatchOptions.of(
                        key, input.toString(), folder.resolve("spark-" + run).toString())
                    .withBatchRows(BATCH_ROWS));
        SparkBatchReport parquet =
            job.run(
                SparkBatchOptions.of(
                        key,
                        input.toString(),
                        folder.resolve("spark-" + run + ".parquet").toString())
                    .withBatchRows(BATCH_ROWS));
        check(inProcess.predicted(), rows, "in-process");
        check(csv.rows(), rows, "Spark CSV");
        check(parquet.rows(), rows, "Spark Parquet");
        double[] figure = {
          one, all, inProcess.rowsPerSecond(), csv.rowsPerSecond(), parquet.rowsPerSecond()
        };
        figures.add(figure);
        System.out.printf(
            Locale.ROOT,
            "run %d: ORT limit 1 caller %.0f rows/s, %d callers %.0f rows/s | in-process BatchRun"
                + " %.0f rows/s | Spark local[%d] CSV->CSV %.0f rows/s, CSV->Parquet %.0f"
                + " rows/s%n",
            run,
            one,
            cores,
            all,
            figure[2],
            cores,
            figure[3],
            figure[4]);
      }
      spark.stop();
      double[] median = new double[5];
      for (int i = 0; i < median.length; i++) {
        int column = i;
        List<Double> values =
            figures.stream().map(f -> f[column]).sorted(Comparator.naturalOrder()).toList();
        median[i] = values.get(values.size() / 2);
      }
      System.out.printf(
          Locale.ROOT,
          "median of %d runs, %d rows: ORT limit %.0f rows/s (1 caller), %.0f rows/s (%d"
              + " callers); in-process %.0f rows/s (%.0f%% of the 1-caller limit); Spark local"
              + " CSV %.0f rows/s (%.0f%%), Parquet %.0f rows/s (%.0f%%)%n",
          runs,
          rows,
          median[0],
          median[1],
          cores,
          median[2],
          100 * median[2] / median[0],
          median[3],
          100 * median[3] / median[0],
          median[4],
          100 * median[4] / median[0]);
    } finally {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /** 256 rows of the traffic file, ready-made. */
  private static InferRequest batch(List<String> traffic) {
    float[] values = new float[BATCH_ROWS * 4];
    for (int r = 0; r < BATCH_ROWS; r++) {
      String[] fields = traffic.get(r).split(",");
      for (int c = 0; c < 4; c++) {
        values[r * 4 + c] = Float.parseFloat(fields[c]);
      }
    }
    return InferRequest.of(Tensor.ofFloats("float_input", new long[] {BATCH_ROWS, 4}, values));
  }

  /** Rows per second of {@code callers} threads calling the model with the batch for 2 s. */
  private static double limit(Predictor model, InferRequest batch, int callers)
      throws InterruptedException {
    AtomicLong calls = new AtomicLong();
    CallContext context = CallContext.of(Clock.systemUTC());
    long started = System.nanoTime();
    long end = started + LIMIT_WINDOW_MILLIS * 1_000_000;
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (System.nanoTime() < end) {
                      model.infer(batch, context);
                      calls.incrementAndGet();
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return calls.get() * BATCH_ROWS / seconds;
  }

  private static void check(long actual, int expected, String what) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": " + actual + " rows (expected: " + expected + ")");
    }
  }
}
