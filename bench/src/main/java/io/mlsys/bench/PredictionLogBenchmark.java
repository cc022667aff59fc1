package io.mlsys.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.predictionlog.FieldPolicy;
import io.mlsys.predictionlog.JsonlSinkConfig;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.predictionlog.PredictionLogConfig;
import io.mlsys.predictionlog.PredictionLogOptions;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the {@code prediction-log} decorator costs the caller in process: the same call through the
 * decorator with the log writing every event to JSONL files, and with the log switched off, against
 * the bare model. Models: the iris SVC (one row, a call of microseconds; inputs and outputs in
 * full) and the PaddleOCR recognizer ({@code -p model=ocr}: one 48x320 text line, a call of
 * milliseconds; the 46,080-value input hashed and the [1, 40, 6625] output in full, since the
 * input's JSON alone would be 0.5 MB per event). The writer thread shares the machine's cores with
 * the caller, so on 2 cores the figure includes making and writing the events; the tear-down prints
 * how many events were written, made by their callers (a full buffer) and dropped, since a caller
 * faster than the writer gets cheap calls by losing events.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class PredictionLogBenchmark {
  /** {@code off}: the decorator with the log switched off; {@code on}: every event to JSONL. */
  @Param({"none", "off", "on"})
  public String log;

  /** {@code iris} or {@code ocr}. */
  @Param({"iris"})
  public String model;

  private Path folder;
  private SimpleMeterRegistry registry;
  private SharedResources resources;
  private Model served;
  private CallContext context;
  private InferRequest request;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    boolean ocr = model.equals("ocr");
    Model onnx;
    PredictionLogOptions options = PredictionLogOptions.defaults();
    if (ocr) {
      onnx = BatchingBenchmark.loadModel(BatchingBenchmark.OCR);
      request = BatchingBenchmark.textLines(1);
      options = options.withFields(FieldPolicy.HASHED, FieldPolicy.FULL);
    } else {
      onnx =
          OnnxModel.load(
              Fixtures.rootOrThrow().resolve(OnnxInferenceBenchmark.MODEL),
              OnnxModelOptions.defaults("iris_svc", "1"));
      request =
          InferRequest.of(
              Tensor.ofFloats(
                  OnnxInferenceBenchmark.INPUT, new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f));
    }
    context = CallContext.of(Clock.systemUTC()).with(CallAttribute.REQUEST_ID, "bench");
    registry = new SimpleMeterRegistry();
    resources = SharedResources.create();
    if (log.equals("none")) {
      served = onnx;
      return;
    }
    folder = Files.createTempDirectory("prediction-log-bench");
    PredictionLogConfig config =
        PredictionLogConfig.defaults()
            .withJsonl(JsonlSinkConfig.in(folder.resolve("events")))
            .withEnabled(log.equals("on"));
    resources.computeIfAbsent(
        PredictionLog.class,
        () ->
            PredictionLog.open(
                config, StoreConfig.defaults(), folder, Clock.systemUTC(), registry));
    served =
        ModelDecorators.installed()
            .decorate(
                onnx,
                List.of(options),
                new DecoratorContext(model, "1", Clock.systemUTC(), registry, resources));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (served != null) {
      served.close();
    }
    resources.close();
    if (folder != null) {
      double written =
          registry.find("mlsys.prediction.log.events.written").counters().stream()
              .mapToDouble(Counter::count)
              .sum();
      double dropped =
          registry.find("mlsys.prediction.log.dropped").counters().stream()
              .mapToDouble(Counter::count)
              .sum();
      Counter overflowed = registry.find("mlsys.prediction.log.overflowed").counter();
      System.err.printf(
          "%nprediction log (%s): %.0f events written, %.0f made by their callers (buffer full),"
              + " %.0f dropped%n",
          log, written, overflowed == null ? 0 : overflowed.count(), dropped);
      deleteTree(folder);
    }
  }

  public static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      files.sorted(Comparator.reverseOrder()).forEach(PredictionLogBenchmark::delete);
    }
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public InferResponse oneCall() {
    return served.infer(request, context);
  }
}
