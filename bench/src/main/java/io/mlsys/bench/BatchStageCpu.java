package io.mlsys.bench;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchRun;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a batch run's CPU goes, per pipeline stage: one million iris rows through {@link BatchRun}
 * (as {@link BatchRowsBenchmark}), several times in one JVM, printing each run's rate and the CPU
 * time of the calling thread (the model) and of the I/O thread (reading and writing). CPU time does
 * not depend on how loaded the machine is, so it tells which stage limits the run where a
 * throughput figure on a shared machine cannot.
 *
 * <pre>{@code
 * ORT_DISABLE_TELEMETRY=1 $JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED \
 *   -cp bench/target/benchmarks.jar io.mlsys.bench.BatchStageCpu [runs]
 * }</pre>
 */
public final class BatchStageCpu {
  private BatchStageCpu() {}

  /**
   * @param args optionally the number of runs (default 4)
   */
  public static void main(String[] args) throws IOException {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    Path fixtures = Fixtures.rootOrThrow();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Path folder = Files.createTempDirectory("batch-cpu");
    try (OnnxModel model =
        OnnxModel.load(
            fixtures.resolve(OnnxInferenceBenchmark.MODEL),
            OnnxModelOptions.defaults("iris", "1"))) {
      List<String> rows = Files.readAllLines(fixtures.resolve(OnnxInferenceBenchmark.TRAFFIC));
      Path input = folder.resolve("rows.csv");
      try (BufferedWriter writer = Files.newBufferedWriter(input)) {
        for (int i = 0; i < BatchRowsBenchmark.ROWS; i++) {
          writer.write(rows.get(i % rows.size()));
          writer.newLine();
        }
      }
      for (int run = 1; run <= runs; run++) {
        Path output = folder.resolve("predictions.csv");
        Files.deleteIfExists(output);
        Map<String, Long> stages = new TreeMap<>();
        // Read after every chunk, from the writer thread: the stages' threads end with the run.
        BatchProgress sample =
            (done, predicted, rejected, fraction) -> {
              for (ThreadInfo thread : threads.dumpAllThreads(false, false)) {
                if (thread.getThreadName().startsWith("batch-")) {
                  stages.put(
                      thread.getThreadName(), threads.getThreadCpuTime(thread.getThreadId()));
                }
              }
            };
        long modelCpu = threads.getCurrentThreadCpuTime();
        long started = System.nanoTime();
        BatchReport report =
            new BatchRun(model, model.metadata(), BatchOptions.defaults(), Clock.systemUTC())
                .run(input, output, sample);
        double seconds = (System.nanoTime() - started) / 1e9;
        modelCpu = threads.getCurrentThreadCpuTime() - modelCpu;
        StringBuilder line =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "run %d: %,.0f rows/s in %.2f s; CPU: model %.2f s",
                    run,
                    report.rows() / seconds,
                    seconds,
                    modelCpu / 1e9));
        stages.forEach(
            (name, nanos) ->
                line.append(String.format(Locale.ROOT, ", %s %.2f s", name, nanos / 1e9)));
        System.out.println(line);
      }
    } finally {
      PredictionLogBenchmark.deleteTree(folder);
    }
  }
}
