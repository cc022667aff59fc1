package io.mlsys.predictionlog;

import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the prediction log's threads spend on one event of the PaddleOCR recognizer, without the
 * model: the event made from the call (the 46,080-value input hashed, the [1, 40, 6625] output in
 * full) and written to a JSONL file, on one thread. In the package of the classes it measures (they
 * are not public). On a 2-core machine this is the CPU the log takes from serving per call; {@code
 * PredictionLogBenchmark -p model=ocr} measures that effect on the caller.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class EventWriteBenchmark {
  private PredictionCall call;
  private EventFactory factory;
  private JsonlSink sink;
  private Path folder;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    float[] pixels = new float[3 * 48 * 320];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) (random.nextDouble() * 2 - 1);
    }
    // Softmax-like scores: most of them tiny, written in E notation.
    float[] scores = new float[40 * 6625];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) Math.exp(-random.nextDouble() * 30);
    }
    InferRequest request =
        InferRequest.of(Tensor.ofFloats("x", new long[] {1, 3, 48, 320}, pixels));
    InferResponse response =
        new InferResponse(
            "ocr",
            "1",
            null,
            List.of(Tensor.ofFloats("softmax", new long[] {1, 40, 6625}, scores)),
            Map.of());
    Instant start = Instant.parse("2026-12-07T10:00:00Z");
    call =
        new PredictionCall(
            "ocr",
            "1",
            request,
            response,
            null,
            start,
            start.plusMillis(20),
            "bench",
            null,
            null,
            null,
            null,
            Map.of(),
            PredictionLogOptions.defaults().withFields(FieldPolicy.HASHED, FieldPolicy.FULL),
            false,
            null);
    factory = new EventFactory(new SplittableRandom(1));
    folder = Files.createTempDirectory("event-write-bench");
    // Files rotate at 64 MB and the oldest are deleted beyond 512 MB: the disk use stays bounded.
    sink =
        JsonlSink.open(
            new JsonlSinkConfig(
                folder,
                JsonlSinkConfig.DEFAULT_MAX_FILE_BYTES,
                JsonlSinkConfig.DEFAULT_MAX_FILE_AGE,
                JsonlSinkConfig.DEFAULT_MAX_AGE,
                512L * 1024 * 1024),
            Clock.systemUTC());
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    io.mlsys.bench.PredictionLogBenchmark.deleteTree(folder);
  }

  @Benchmark
  public void makeAndWriteOneEvent() throws IOException {
    sink.write(List.of(factory.event(call)));
  }
}
