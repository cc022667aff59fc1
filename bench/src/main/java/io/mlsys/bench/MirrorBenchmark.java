package io.mlsys.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.experiments.Experiments;
import io.mlsys.experiments.MirrorOptions;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.NodeConfig;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
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
 * What a {@code mirror} costs its primary: the latency distribution (JMH sample time: p50, p99) of
 * one-row calls of the iris SVC in process, as a plain model node ({@code none}) and behind a
 * mirror whose candidate is 10 times slower (the same model run 10 times per call), every call
 * mirrored ({@code share: 1.0}) to a queue of 100 and one worker. On 2 cores the candidate competes
 * for CPU with the caller; shedding is what holds the primary's p99, and the tear-down prints the
 * share actually mirrored.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class MirrorBenchmark {
  /**
   * {@code none}: the model alone; {@code slow}: behind a mirror with a 10x slower candidate;
   * {@code budget}: the same with {@code candidate-budget: 0.1} (the candidate may take 10% of one
   * core's time; calls beyond it are shed).
   */
  @Param({"none", "slow", "budget"})
  public String mirror;

  private Path folder;
  private SimpleMeterRegistry registry;
  private SharedResources resources;
  private Model onnx;
  private Graphs graphs;
  private Predictor graph;
  private CallContext context;
  private InferRequest oneRow;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path fixtures = Fixtures.rootOrThrow();
    onnx =
        OnnxModel.load(
            fixtures.resolve(OnnxInferenceBenchmark.MODEL),
            OnnxModelOptions.defaults("iris_svc", "1"));
    context = CallContext.of(Clock.systemUTC());
    oneRow =
        InferRequest.of(
            Tensor.ofFloats(
                OnnxInferenceBenchmark.INPUT, new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f));
    registry = new SimpleMeterRegistry();
    resources = SharedResources.create();
    folder = Files.createTempDirectory("mirror-bench");
    resources.computeIfAbsent(
        Experiments.class,
        () ->
            Experiments.builder(
                    () -> Store.open(StoreConfig.defaults(), folder, Experiments.STORE_OWNER))
                .meterRegistry(registry)
                .build());
    NodeConfig primary = NodeConfig.of(ModelOptions.of("iris"));
    NodeConfig root =
        mirror.equals("none")
            ? primary
            : NodeConfig.of(
                new MirrorOptions(
                    primary,
                    Map.of("slow", NodeConfig.of(ModelOptions.of("slow-iris"))),
                    1.0,
                    null,
                    null,
                    null,
                    100,
                    1,
                    null,
                    null,
                    mirror.equals("budget") ? 0.1 : null));
    graphs =
        Graphs.create(
            Map.of("g", new GraphConfig(root)),
            new Lookup(),
            GraphOptions.defaults().withResources(resources));
    graph = graphs.predictor("g");
  }

  @Benchmark
  public InferResponse call() {
    return graph.infer(oneRow, context);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException, InterruptedException {
    if (!mirror.equals("none")) {
      double mirrored = count("mirrored");
      double shed = count("shed");
      System.out.printf(
          "%nmirrored %.0f of %.0f calls (%.1f%%), shed %.0f%n",
          mirrored, mirrored + shed, 100 * mirrored / (mirrored + shed), shed);
    }
    graphs.close();
    resources.close();
    onnx.close();
    try (var files = Files.walk(folder)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  private double count(String outcome) {
    return registry
        .get("mlsys_experiment_mirror_calls_total")
        .tag("outcome", outcome)
        .counter()
        .count();
  }

  /** The iris SVC, and the same model run 10 times per call as the slow candidate. */
  private final class Lookup implements ModelLookup {
    @Override
    public Predictor predictor(String name, String version) {
      return switch (name) {
        case "iris" -> onnx;
        case "slow-iris" ->
            (request, callContext) -> {
              InferResponse answer = null;
              for (int i = 0; i < 10; i++) {
                answer = onnx.infer(request, callContext);
              }
              return answer;
            };
        default -> throw new ModelNotFoundException(name, version);
      };
    }

    @Override
    public ModelMetadata metadata(String name, String version) {
      predictor(name, version);
      return onnx.metadata();
    }

    @Override
    public boolean isModelReady(String name, String version) {
      return name.equals("iris") || name.equals("slow-iris");
    }

    @Override
    public boolean contains(String name) {
      return isModelReady(name, null);
    }
  }
}
