package io.mlsys.bench;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchRun;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rows per second of batch prediction with the iris SVC, one million rows ({@code rand_iris.csv}
 * repeated): {@code batchRun} is the whole {@link BatchRun} (CSV parsing, model calls of 256 rows,
 * CSV writing, a checkpoint per 10,000 rows), {@code modelLimit} the same model called with 256
 * ready-made rows again and again: the in-process ONNX Runtime limit the run is measured against.
 * Both report rows/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
public class BatchRowsBenchmark {
  static final int ROWS = 1_000_000;
  static final int BATCH_ROWS = 256;

  private OnnxModel model;
  private Path folder;
  private Path input;
  private InferRequest batch;
  private final CallContext context = CallContext.of(Clock.systemUTC());

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path fixtures = Fixtures.rootOrThrow();
    model =
        OnnxModel.load(
            fixtures.resolve(OnnxInferenceBenchmark.MODEL), OnnxModelOptions.defaults("iris", "1"));
    List<String> rows = Files.readAllLines(fixtures.resolve(OnnxInferenceBenchmark.TRAFFIC));
    folder = Files.createTempDirectory("batch-bench");
    input = folder.resolve("rows.csv");
    try (BufferedWriter writer = Files.newBufferedWriter(input)) {
      for (int i = 0; i < ROWS; i++) {
        writer.write(rows.get(i % rows.size()));
        writer.newLine();
      }
    }
    float[] values = new float[BATCH_ROWS * 4];
    for (int r = 0; r < BATCH_ROWS; r++) {
      String[] fields = rows.get(r).split(",");
      for (int c = 0; c < 4; c++) {
        values[r * 4 + c] = Float.parseFloat(fields[c]);
      }
    }
    batch =
        InferRequest.of(
            Tensor.ofFloats(OnnxInferenceBenchmark.INPUT, new long[] {BATCH_ROWS, 4}, values));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (model != null) {
      model.close();
    }
    if (folder != null) {
      PredictionLogBenchmark.deleteTree(folder);
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public BatchReport batchRun() throws IOException {
    Path output = folder.resolve("predictions.csv");
    Files.deleteIfExists(output);
    return new BatchRun(
            model,
            model.metadata(),
            BatchOptions.defaults().withBatchRows(BATCH_ROWS),
            Clock.systemUTC())
        .run(input, output, BatchProgress.NONE);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_ROWS)
  public InferResponse modelLimit() {
    return model.infer(batch, context);
  }
}
