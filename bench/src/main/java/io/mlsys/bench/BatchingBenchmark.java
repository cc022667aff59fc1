package io.mlsys.bench;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.resilience.BatchingConfig;
import io.mlsys.resilience.BatchingListener;
import io.mlsys.resilience.DynamicBatcher;
import io.mlsys.testing.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Many concurrent one-row callers of a model, each calling it directly or through a {@link
 * DynamicBatcher} (default config: up to {@value BatchingConfig#DEFAULT_MAX_BATCH_SIZE} rows, no
 * queue delay, one batch per available processor, batch size adapted to the model). Throughput: one
 * op is one caller's answered request, so ops/s is requests per second; with {@code -bm sample},
 * the p50 and p99 of one request.
 *
 * <ul>
 *   <li>{@code iris*}: the scikit-learn iris SVC, one row of 4 floats, every output, 32 callers.
 *   <li>{@code ocr*}: the PaddleOCR PP-OCRv4 recognizer, one text line {@code x [1, 3, 48, 320]}
 *       (output {@code [1, 40, 6625]}), callers set with {@code -t} (default 8).
 *   <li>{@code ocrRows}: one direct call of the recognizer with {@code rows} text lines, to see
 *       what a row costs at each batch size ({@code -t 2}: two such calls at once, as the batcher
 *       runs them on 2 cores).
 * </ul>
 *
 * <p>A batcher prints, when its trial ends, how many batches of each size it ran, so the figures
 * show what the adaptive batch size settled on.
 *
 * <p>The models come from the shared fixtures: {@code -Dmlsys.fixtures=DIR}, else {@code
 * ../shared/fixtures} found by walking up from the working directory.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class BatchingBenchmark {
  static final String IRIS = "sklearn-iris/iris_svc.onnx";
  static final String OCR = "paddleocr/ch_PP-OCRv4_rec_infer.onnx";

  /** A model, the same model behind a batcher, and one request for it. */
  @State(Scope.Benchmark)
  public abstract static class Served {
    OnnxModel model;
    DynamicBatcher batcher;
    BatchSizes sizes;
    InferRequest request;
    final CallContext context = CallContext.of(Clock.systemUTC());

    /** Max rows per batch; the default is the config default. */
    @Param({"32"})
    public int maxBatchSize;

    abstract String fixture();

    abstract InferRequest request();

    @Setup(Level.Trial)
    public void load() {
      model = loadModel(fixture());
      sizes = new BatchSizes(maxBatchSize);
      batcher =
          DynamicBatcher.wrap(
              fixture(),
              model,
              BatchingConfig.defaults().withMaxBatchSize(maxBatchSize),
              Clock.systemUTC(),
              sizes);
      request = request();
    }

    @TearDown(Level.Trial)
    public void close() {
      // Null when setup failed (no fixtures).
      if (batcher != null) {
        batcher.close();
        String ran = sizes.toString();
        if (!ran.isEmpty()) {
          System.out.println("batches run (rows x count): " + ran);
        }
      }
      if (model != null) {
        model.close();
      }
    }
  }

  /** The iris SVC and one row. */
  @State(Scope.Benchmark)
  public static class Iris extends Served {
    @Override
    String fixture() {
      return IRIS;
    }

    @Override
    InferRequest request() {
      return InferRequest.of(
          Tensor.ofFloats("float_input", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f));
    }
  }

  /** The OCR recognizer and one 48x320 text line of seeded noise in [-1, 1]. */
  @State(Scope.Benchmark)
  public static class Ocr extends Served {
    @Override
    String fixture() {
      return OCR;
    }

    @Override
    InferRequest request() {
      return textLines(1);
    }
  }

  /** The OCR recognizer and one request of {@code rows} text lines. */
  @State(Scope.Benchmark)
  public static class OcrBatch {
    OnnxModel model;
    InferRequest request;
    final CallContext context = CallContext.of(Clock.systemUTC());

    @Param({"1", "2", "4", "8", "16", "32"})
    public int rows;

    @Setup(Level.Trial)
    public void load() {
      model = loadModel(OCR);
      request = textLines(rows);
    }

    @TearDown(Level.Trial)
    public void close() {
      if (model != null) {
        model.close();
      }
    }
  }

  @Benchmark
  @Threads(32)
  public InferResponse irisDirect(Iris iris) {
    return iris.model.infer(iris.request, iris.context);
  }

  @Benchmark
  @Threads(32)
  public InferResponse irisBatched(Iris iris) {
    return iris.batcher.infer(iris.request, iris.context);
  }

  @Benchmark
  @Threads(8)
  public InferResponse ocrDirect(Ocr ocr) {
    return ocr.model.infer(ocr.request, ocr.context);
  }

  @Benchmark
  @Threads(8)
  public InferResponse ocrBatched(Ocr ocr) {
    return ocr.batcher.infer(ocr.request, ocr.context);
  }

  @Benchmark
  @Threads(1)
  public InferResponse ocrRows(OcrBatch batch) {
    return batch.model.infer(batch.request, batch.context);
  }

  static OnnxModel loadModel(String fixture) {
    Path file = Fixtures.rootOrThrow().resolve(fixture);
    return OnnxModel.load(file, OnnxModelOptions.defaults(fixture, "1"));
  }

  /** {@code rows} 48x320 text lines of seeded noise in [-1, 1]. */
  static InferRequest textLines(int rows) {
    float[] pixels = new float[rows * 3 * 48 * 320];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return InferRequest.of(Tensor.ofFloats("x", new long[] {rows, 3, 48, 320}, pixels));
  }

  /** Counts the batches a batcher runs by their rows. */
  static final class BatchSizes implements BatchingListener {
    private final AtomicLongArray byRows;

    BatchSizes(int maxBatchSize) {
      byRows = new AtomicLongArray(maxBatchSize + 1);
    }

    @Override
    public void queued(String model, long queueNanos) {}

    @Override
    public void batchRun(String model, int requests, int rows) {
      if (rows >= 0 && rows < byRows.length()) {
        byRows.incrementAndGet(rows);
      }
    }

    @Override
    public void rejected(String model, String reason) {}

    @Override
    public void batchCap(String model, int rows) {}

    @Override
    public String toString() {
      StringJoiner ran = new StringJoiner(", ");
      for (int rows = 0; rows < byRows.length(); rows++) {
        long count = byRows.get(rows);
        if (count > 0) {
          ran.add(rows + " x " + count);
        }
      }
      return ran.toString();
    }
  }
}
