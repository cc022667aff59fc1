package io.mlsys.bench;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-process inference through {@link OnnxModel} on the scikit-learn iris SVC (StandardScaler + SVC
 * with a ZipMap probability output): the full mlsys path (validation, OIP to ONNX Runtime
 * conversion, run, conversion back), without any transport. One caller thread.
 *
 * <p>The model comes from the shared fixtures: {@code -Dmlsys.fixtures=DIR}, else {@code
 * ../shared/fixtures} found by walking up from the working directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class OnnxInferenceBenchmark {
  /** Rows in the batched benchmarks. */
  public static final int BATCH_ROWS = 64;

  static final String MODEL = "sklearn-iris/iris_svc.onnx";
  static final String TRAFFIC = "sklearn-iris/rand_iris.csv";
  static final String INPUT = "float_input";
  static final String LABEL = "output_label";

  private OnnxModel model;
  private CallContext context;
  private InferRequest oneRow;
  private InferRequest oneRowLabelOnly;
  private InferRequest batch;
  private InferRequest batchLabelOnly;

  @Setup
  public void load() {
    Path fixtures = Fixtures.rootOrThrow();
    model = OnnxModel.load(fixtures.resolve(MODEL), OnnxModelOptions.defaults("iris_svc", "1"));
    context = CallContext.of(Clock.systemUTC());
    Tensor row = Tensor.ofFloats(INPUT, new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f);
    Tensor rows = Tensor.ofFloats(INPUT, new long[] {BATCH_ROWS, 4}, firstRows(fixtures));
    oneRow = InferRequest.of(row);
    oneRowLabelOnly = labelOnly(row);
    batch = InferRequest.of(rows);
    batchLabelOnly = labelOnly(rows);
  }

  @TearDown
  public void close() {
    // Null when setup was skipped (no fixtures) or failed.
    if (model != null) {
      model.close();
    }
  }

  /** One row, every output (label and the ZipMap probabilities). */
  @Benchmark
  public InferResponse oneRowAllOutputs() {
    return model.infer(oneRow, context);
  }

  /** One row, only {@code output_label}: ONNX Runtime skips the ZipMap. */
  @Benchmark
  public InferResponse oneRowLabelOnly() {
    return model.infer(oneRowLabelOnly, context);
  }

  /** {@value #BATCH_ROWS} rows in one call, every output. */
  @Benchmark
  public InferResponse batch64AllOutputs() {
    return model.infer(batch, context);
  }

  /** {@value #BATCH_ROWS} rows in one call, only {@code output_label}. */
  @Benchmark
  public InferResponse batch64LabelOnly() {
    return model.infer(batchLabelOnly, context);
  }

  private static InferRequest labelOnly(Tensor input) {
    return new InferRequest(null, List.of(input), List.of(RequestedOutput.named(LABEL)), Map.of());
  }

  /** The first {@value #BATCH_ROWS} rows of the monitoring traffic file (4 floats a line). */
  private static float[] firstRows(Path fixtures) {
    float[] values = new float[BATCH_ROWS * 4];
    try (Stream<String> lines = Files.lines(fixtures.resolve(TRAFFIC))) {
      List<String> rows = lines.limit(BATCH_ROWS).toList();
      if (rows.size() < BATCH_ROWS) {
        throw new IllegalStateException(
            TRAFFIC + " has " + rows.size() + " rows (expected: at least " + BATCH_ROWS + ")");
      }
      for (int r = 0; r < BATCH_ROWS; r++) {
        String[] cells = rows.get(r).split(",");
        if (cells.length != 4) {
          throw new IllegalStateException(
              TRAFFIC + " line " + (r + 1) + " has " + cells.length + " cells (expected: 4)");
        }
        for (int c = 0; c < 4; c++) {
          values[r * 4 + c] = Float.parseFloat(cells[c].trim());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return values;
  }
}
