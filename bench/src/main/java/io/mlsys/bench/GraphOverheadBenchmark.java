package io.mlsys.bench;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.graph.CombinerConfig;
import io.mlsys.graph.EnsembleOptions;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.SequenceOptions;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.Fixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * What the graph executor adds to the models it calls, in-process: each graph against the same
 * models called directly by hand. One caller thread, average time per call.
 *
 * <ul>
 *   <li>{@code sequence3*}: three pass-through models in a row (each answers its inputs);
 *   <li>{@code ensemble3*}: three pass-through models combined with {@code all} (the graph runs two
 *       branches on virtual threads; the direct baseline calls the three one after the other);
 *   <li>{@code iris*}: the catalog's horizontal example, three one-vs-rest scikit-learn SVCs (ONNX
 *       Runtime) combined with {@code max}; the baseline calls them in turn and takes the highest
 *       P(species) by hand.
 * </ul>
 *
 * <p>The iris models come from the shared fixtures: {@code -Dmlsys.fixtures=DIR}, else {@code
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
public class GraphOverheadBenchmark {
  static final List<String> SPECIES = List.of("setosa", "versicolor", "virginica");
  static final String PROBABILITY = "output_probability";

  private final Map<String, Predictor> predictors = new HashMap<>();
  private final Map<String, Model> models = new HashMap<>();
  private final List<OnnxModel> loaded = new ArrayList<>();
  private Graphs graphs;
  private Predictor sequence;
  private Predictor ensemble;
  private Predictor iris;
  private CallContext context;
  private InferRequest passRequest;
  private InferRequest irisRequest;

  @Setup
  public void setUp() {
    Path fixtures = Fixtures.rootOrThrow();
    for (String name : List.of("p1", "p2", "p3")) {
      predictors.put(name, new PassThrough(name));
    }
    for (String species : SPECIES) {
      OnnxModel model =
          OnnxModel.load(
              fixtures.resolve("sklearn-iris/iris_svc_0_" + species + ".onnx"),
              OnnxModelOptions.defaults("iris_" + species, "1"));
      loaded.add(model);
      models.put(model.metadata().name(), model);
      predictors.put(model.metadata().name(), model);
    }
    Map<String, GraphConfig> configs = new LinkedHashMap<>();
    Map<String, SequenceOptions.Step> steps = new LinkedHashMap<>();
    steps.put("a", SequenceOptions.Step.of(model("p1")));
    steps.put("b", SequenceOptions.Step.of(model("p2")));
    steps.put("c", SequenceOptions.Step.of(model("p3")));
    configs.put("sequence", GraphConfig.of(new SequenceOptions(steps)));
    Map<String, EnsembleOptions.Branch> branches = new LinkedHashMap<>();
    branches.put("a", EnsembleOptions.Branch.of(model("p1")));
    branches.put("b", EnsembleOptions.Branch.of(model("p2")));
    branches.put("c", EnsembleOptions.Branch.of(model("p3")));
    configs.put(
        "ensemble", GraphConfig.of(new EnsembleOptions(branches, new CombinerConfig.All())));
    Map<String, EnsembleOptions.Branch> irisBranches = new LinkedHashMap<>();
    for (String species : SPECIES) {
      irisBranches.put(
          species,
          EnsembleOptions.Branch.of(
              NodeConfig.of(new ModelOptions("iris_" + species, null, List.of(PROBABILITY)))));
    }
    configs.put(
        "iris",
        GraphConfig.of(
            new EnsembleOptions(
                irisBranches, new CombinerConfig.Max(PROBABILITY, 0, "proba", "label"))));
    graphs = Graphs.create(configs, new Lookup(), GraphOptions.defaults());
    sequence = graphs.predictor("sequence");
    ensemble = graphs.predictor("ensemble");
    iris = graphs.predictor("iris");
    context = CallContext.of(Clock.systemUTC());
    passRequest = InferRequest.of(Tensor.ofFloats("x", new long[] {1, 4}, 1, 2, 3, 4));
    irisRequest =
        new InferRequest(
            null,
            List.of(Tensor.ofFloats("float_input", new long[] {1, 4}, 1, 2, 3, 4)),
            List.of(),
            Map.of());
  }

  @TearDown
  public void close() {
    // Null when setup was skipped (no fixtures) or failed.
    if (graphs != null) {
      graphs.close();
    }
    loaded.forEach(OnnxModel::close);
  }

  /**
   * A model that answers its inputs and, like ONNX Runtime's, reads nothing of the call's context:
   * a graph passes it the context as it is ({@link Predictor#readsGraphPath}).
   */
  private record PassThrough(String name) implements Predictor {
    @Override
    public InferResponse infer(InferRequest request, CallContext context) {
      return new InferResponse(name, "1", request.id(), request.inputs(), Map.of());
    }

    @Override
    public boolean readsGraphPath() {
      return false;
    }
  }

  private static NodeConfig model(String name) {
    return NodeConfig.of(ModelOptions.of(name));
  }

  /** Three pass-through nodes in a sequence graph. */
  @Benchmark
  public InferResponse sequence3Graph() {
    return sequence.infer(passRequest, context);
  }

  /** The same three models, each fed the previous answer, by hand. */
  @Benchmark
  public InferResponse sequence3Direct() {
    InferResponse answer = predictors.get("p1").infer(passRequest, context);
    answer = predictors.get("p2").infer(passRequest.withInputs(answer.outputs()), context);
    return predictors.get("p3").infer(passRequest.withInputs(answer.outputs()), context);
  }

  /** Three pass-through branches in an ensemble graph ({@code all}). */
  @Benchmark
  public InferResponse ensemble3Graph() {
    return ensemble.infer(passRequest, context);
  }

  /** The same three models called one after the other, outputs renamed as {@code all} does. */
  @Benchmark
  public List<Tensor> ensemble3Direct() {
    List<Tensor> outputs = new ArrayList<>(3);
    for (String name : List.of("p1", "p2", "p3")) {
      for (Tensor tensor : predictors.get(name).infer(passRequest, context).outputs()) {
        outputs.add(tensor.withName(name + "." + tensor.name()));
      }
    }
    return outputs;
  }

  /** The catalog's horizontal iris example as a graph. */
  @Benchmark
  public InferResponse irisGraph() {
    return iris.infer(irisRequest, context);
  }

  /** The three iris models called in turn; the highest P(species) picked by hand. */
  @Benchmark
  public String irisDirect() {
    InferRequest request = irisRequest.withOutputs(List.of(RequestedOutput.named(PROBABILITY)));
    float best = Float.NEGATIVE_INFINITY;
    String label = null;
    for (String species : SPECIES) {
      InferResponse answer = predictors.get("iris_" + species).infer(request, context);
      float score = answer.output(PROBABILITY).orElseThrow().floats()[0];
      if (label == null || score > best) {
        best = score;
        label = species;
      }
    }
    return label + best;
  }

  /** The models by name, as the server's repository serves them to graphs. */
  private final class Lookup implements ModelLookup {
    @Override
    public Predictor predictor(String name, String version) {
      Predictor predictor = predictors.get(name);
      if (predictor == null) {
        throw new ModelNotFoundException(name, version);
      }
      return predictor;
    }

    @Override
    public ModelMetadata metadata(String name, String version) {
      Model model = models.get(name);
      if (model == null) {
        // The pass-through lambdas declare no signature, so their nodes skip signature checks.
        throw new ModelNotReadyException(name, "no signature");
      }
      return model.metadata();
    }

    @Override
    public boolean isModelReady(String name, String version) {
      return predictors.containsKey(name);
    }

    @Override
    public boolean contains(String name) {
      return predictors.containsKey(name);
    }
  }
}
