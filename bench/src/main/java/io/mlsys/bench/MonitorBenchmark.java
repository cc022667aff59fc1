package io.mlsys.bench;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.monitoring.MonitoringConfig;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * What the {@code monitor} decorator costs the caller of the iris SVC in process: one-row calls
 * (rows cycling through rand_iris.csv) through the decorator with drift against a 6000-row
 * baseline, with and without the one-class SVM outlier model, against the bare model. The monitor
 * thread shares the cores with the caller; the tear-down prints how many calls it monitored,
 * dropped (a full queue) and its estimated memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class MonitorBenchmark {
  /**
   * {@code none}: the bare model; {@code drift}: the monitor with a baseline; {@code outliers}:
   * also the outlier model.
   */
  @Param({"none", "drift", "outliers"})
  public String monitor;

  private Path folder;
  private SimpleMeterRegistry registry;
  private SharedResources resources;
  private Model model;
  private CallContext context;
  private InferRequest[] requests;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path fixtures = Fixtures.rootOrThrow();
    Model onnx =
        OnnxModel.load(
            fixtures.resolve(OnnxInferenceBenchmark.MODEL),
            OnnxModelOptions.defaults("iris_svc", "1"));
    context = CallContext.of(Clock.systemUTC());
    List<String> lines = Files.readAllLines(fixtures.resolve("sklearn-iris/rand_iris.csv"));
    List<InferRequest> traffic = new ArrayList<>();
    StringBuilder baseline =
        new StringBuilder("sepal_length,sepal_width,petal_length,petal_width\n");
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (i % 2 == 0) {
        baseline.append(line).append('\n');
        continue;
      }
      String[] cells = line.split(",");
      float[] row = new float[4];
      for (int c = 0; c < 4; c++) {
        row[c] = Float.parseFloat(cells[c]);
      }
      traffic.add(
          InferRequest.of(Tensor.ofFloats(OnnxInferenceBenchmark.INPUT, new long[] {1, 4}, row)));
    }
    requests = traffic.toArray(InferRequest[]::new);
    registry = new SimpleMeterRegistry();
    resources = SharedResources.create();
    if (monitor.equals("none")) {
      model = onnx;
      return;
    }
    folder = Files.createTempDirectory("monitor-bench");
    Path csv = folder.resolve("baseline.csv");
    Files.writeString(csv, baseline);
    MonitoringConfig config = MonitoringConfig.defaults().withBaseline(csv);
    if (monitor.equals("outliers")) {
      config = config.withOutlierModel(fixtures.resolve("sklearn-iris/iris_ocs.onnx"), "label");
    }
    model =
        ModelDecorators.installed()
            .decorate(
                onnx,
                List.of(config),
                new DecoratorContext("iris_svc", "1", Clock.systemUTC(), registry, resources));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (folder != null) {
      // Read before closing: closing the version removes its meters.
      double dropped =
          registry.find("mlsys_monitor_dropped_total").counters().stream()
              .mapToDouble(Counter::count)
              .sum();
      var memory = registry.find("mlsys_monitor_memory_bytes").gauge();
      System.err.printf(
          "%nmonitor (%s): %.0f calls dropped (queue full), memory estimate %.0f bytes%n",
          monitor, dropped, memory == null ? Double.NaN : memory.value());
    }
    if (model != null) {
      model.close();
    }
    if (folder != null) {
      Files.deleteIfExists(folder.resolve("baseline.csv"));
      Files.deleteIfExists(folder);
    }
    resources.close();
  }

  @Benchmark
  public InferResponse oneRow() {
    InferRequest request = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    return model.infer(request, context);
  }
}
