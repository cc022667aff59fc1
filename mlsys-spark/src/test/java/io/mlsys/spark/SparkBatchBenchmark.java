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

  /**
   * Rows per CPU second of the whole JVM in the last {@link #limit} measurement: CPU time is what a
   * shared machine's load does not stretch, so these figures compare ways across moving load.
   */
  private static final double[] LAST_LIMIT_ROWS_PER_CPU_SECOND = new double[1];

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
      // Each way is measured between two measurements of the limit, and compared with their
      // mean: on a shared machine the load moves within seconds.
      String[] ways = {"in-process BatchRun", "Spark local CSV->CSV", "Spark local CSV->Parquet"};
      List<List<double[]>> figures = new ArrayList<>();
      for (int w = 0; w < ways.length; w++) {
        figures.add(new ArrayList<>());
      }
      for (int run = 1; run <= runs; run++) {
        double all = limit(model.predictor(), batch, cores);
        System.out.printf(
            Locale.ROOT, "run %d: ORT limit with %d callers %.0f rows/s%n", run, cores, all);
        for (int w = 0; w < ways.length; w++) {
          double before = limit(model.predictor(), batch, 1);
          double beforeCpu = LAST_LIMIT_ROWS_PER_CPU_SECOND[0];
          long cpuStart = processCpuNanos();
          double rowsPerSecond =
              switch (w) {
                case 0 -> {
                  Path output = folder.resolve("in-process-" + run + ".csv");
                  BatchReport report =
                      new BatchRun(
                              model.predictor(),
                              model.metadata(),
                              BatchOptions.defaults().withBatchRows(BATCH_ROWS),
                              Clock.systemUTC())
                          .run(input, output, BatchProgress.NONE);
                  Files.delete(output);
                  check(report.predicted(), rows, ways[w]);
                  yield report.rowsPerSecond();
                }
                default -> {
                  String output = "spark-" + run + (w == 1 ? ".csv" : ".parquet");
                  SparkBatchReport report =
                      job.run(
                          SparkBatchOptions.of(
                                  key, input.toString(), folder.resolve(output).toString())
                              .withBatchRows(BATCH_ROWS));
                  check(report.rows(), rows, ways[w]);
                  yield report.rowsPerSecond();
                }
              };
          double rowsPerCpuSecond = rows / ((processCpuNanos() - cpuStart) / 1e9);
          double after = limit(model.predictor(), batch, 1);
          double limit = (before + after) / 2;
          double limitCpu = (beforeCpu + LAST_LIMIT_ROWS_PER_CPU_SECOND[0]) / 2;
          figures.get(w).add(new double[] {rowsPerSecond, limit, rowsPerCpuSecond, limitCpu});
          System.out.printf(
              Locale.ROOT,
              "run %d: %s %.0f rows/s; ORT limit (1 caller) %.0f before, %.0f after: %.0f%%;"
                  + " per CPU second of the JVM: %.0f rows, limit %.0f rows: %.0f%%%n",
              run,
              ways[w],
              rowsPerSecond,
              before,
              after,
              100 * rowsPerSecond / limit,
              rowsPerCpuSecond,
              limitCpu,
              100 * rowsPerCpuSecond / limitCpu);
        }
      }
      spark.stop();
      System.out.printf(Locale.ROOT, "%d rows, %d runs, medians:%n", rows, runs);
      for (int w = 0; w < ways.length; w++) {
        List<double[]> runsOfWay = figures.get(w);
        System.out.printf(
            Locale.ROOT,
            "  %s: %.0f rows/s, %.0f%% of the limit measured around it (limit %.0f rows/s);"
                + " %.0f rows per CPU second of the JVM, %.0f%% of the limit's %.0f%n",
            ways[w],
            median(runsOfWay.stream().map(f -> f[0]).toList()),
            median(runsOfWay.stream().map(f -> 100 * f[0] / f[1]).toList()),
            median(runsOfWay.stream().map(f -> f[1]).toList()),
            median(runsOfWay.stream().map(f -> f[2]).toList()),
            median(runsOfWay.stream().map(f -> 100 * f[2] / f[3]).toList()),
            median(runsOfWay.stream().map(f -> f[3]).toList()));
      }
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
    long cpuStart = processCpuNanos();
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
    LAST_LIMIT_ROWS_PER_CPU_SECOND[0] =
        calls.get() * BATCH_ROWS / ((processCpuNanos() - cpuStart) / 1e9);
    return calls.get() * BATCH_ROWS / seconds;
  }

  /** CPU time of every thread of this JVM (JIT and GC included). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static void check(long actual, int expected, String what) {
    if (actual != expected) {
      throw new IllegalStateException(what + ": " + actual + " rows (expected: " + expected + ")");
    }
  }
}
