package io.mlsys.graph;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.NodeOptions;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A {@link ModelLookup} over models the test adds, and helpers to build graphs on it. */
final class TestModels implements ModelLookup {
  static final String START = "2026-01-05T10:00:00Z";

  final ManualClock clock = ManualClock.startingAt(START);
  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Set<String> notReady = new HashSet<>();
  final List<String> audit = new ArrayList<>();

  /** Adds a model. */
  TestModels add(Model model) {
    models.put(model.metadata().name(), model);
    return this;
  }

  /**
   * A model that adds {@code delta} to every value of its first input (FP32) and answers it as
   * {@code output}.
   */
  StubModel plus(String name, String output, float delta) {
    return stub(
        name,
        (request, context) -> {
          Tensor input = request.inputs().getFirst();
          float[] values = input.floats().clone();
          for (int i = 0; i < values.length; i++) {
            values[i] += delta;
          }
          return answer(name, request, Tensor.ofFloats(output, input.shape(), values));
        });
  }

  /** A model that echoes its inputs, any signature. */
  StubModel echo(String name) {
    StubModel model = StubModel.echo(metadata(name, List.of(), List.of()));
    add(model);
    return model;
  }

  /** A model with no declared signature answering with {@code answer}. */
  StubModel stub(String name, Predictor answer) {
    StubModel model = new StubModel(metadata(name, List.of(), List.of()), answer::infer);
    add(model);
    return model;
  }

  /** A model with a signature answering with {@code answer}. */
  StubModel stub(String name, List<TensorSpec> inputs, List<TensorSpec> outputs, Predictor answer) {
    StubModel model = new StubModel(metadata(name, inputs, outputs), answer::infer);
    add(model);
    return model;
  }

  void markNotReady(String name) {
    notReady.add(name);
  }

  void markReady(String name) {
    notReady.remove(name);
  }

  void remove(String name) {
    models.remove(name);
  }

  static ModelMetadata metadata(String name, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    return new ModelMetadata(name, "1", "test", inputs, outputs, Map.of(), Map.of());
  }

  static TensorSpec spec(String name, DataType type, long... shape) {
    List<Long> dims = new ArrayList<>();
    for (long dim : shape) {
      dims.add(dim);
    }
    return new TensorSpec(name, type, dims);
  }

  /** An answer of one tensor. */
  static InferResponse answer(String model, InferRequest request, Tensor... outputs) {
    return new InferResponse(model, "1", request.id(), List.of(outputs), Map.of());
  }

  @Override
  public Predictor predictor(String name, String version) {
    Model model = models.get(name);
    if (model == null) {
      throw new ModelNotFoundException(name, version);
    }
    return model;
  }

  @Override
  public ModelMetadata metadata(String name, String version) {
    Model model = models.get(name);
    if (model == null || (version != null && !version.equals("1"))) {
      throw new ModelNotFoundException(name, version);
    }
    if (notReady.contains(name)) {
      throw new ModelNotReadyException(name, "loading");
    }
    ModelMetadata metadata = model.metadata();
    // A signature with no inputs and outputs stands for "not declared": not ready for checks.
    if (metadata.inputs().isEmpty() && metadata.outputs().isEmpty()) {
      throw new ModelNotReadyException(name, "no signature");
    }
    return metadata;
  }

  @Override
  public boolean isModelReady(String name, String version) {
    return models.containsKey(name) && !notReady.contains(name);
  }

  @Override
  public boolean contains(String name) {
    return models.containsKey(name);
  }

  GraphOptions options() {
    System.Logger logger = new RecordingLogger(audit);
    return GraphOptions.defaults().withClock(clock).withAuditLog(logger);
  }

  /** Builds one graph named {@code name}. */
  Graphs graphs(String name, NodeConfig root) {
    return Graphs.create(Map.of(name, new GraphConfig(root)), this, options());
  }

  /** Builds one graph named {@code name}, its root without a timeout. */
  Graphs graphs(String name, NodeOptions root) {
    return graphs(name, NodeConfig.of(root));
  }

  Graphs graphs(Map<String, GraphConfig> graphs) {
    return Graphs.create(graphs, this, options());
  }

  /** The keys of a YAML document holding {@code graphs:}, bound as mlsys.yaml binds them. */
  record GraphsFile(Map<String, GraphConfig> graphs) {}

  /**
   * The graphs of YAML text holding {@code graphs:}, bound through the installed config families.
   *
   * @throws io.mlsys.config.ConfigException listing every violation
   */
  static Map<String, GraphConfig> parse(String yaml) {
    ConfigDocument document = ConfigDocument.parse(yaml, "mlsys.yaml", Path.of("."), Map.of());
    Map<String, GraphConfig> graphs = ConfigBinder.bind(document, GraphsFile.class).graphs();
    return graphs == null ? Map.of() : graphs;
  }

  /** A node calling a model, no timeout of its own. */
  static NodeConfig model(String name) {
    return NodeConfig.of(ModelOptions.of(name));
  }

  /** A node calling a model for these outputs, no timeout of its own. */
  static NodeConfig model(String name, String... outputs) {
    return NodeConfig.of(new ModelOptions(name, null, List.of(outputs)));
  }

  /** A node of these options, no timeout of its own. */
  static NodeConfig node(NodeOptions options) {
    return NodeConfig.of(options);
  }

  /** A sequence step with its name, for {@link #sequence}. */
  record NamedStep(String name, SequenceOptions.Step step) {}

  static NamedStep step(String name, NodeConfig node) {
    return new NamedStep(name, SequenceOptions.Step.of(node));
  }

  static NamedStep step(
      String name, NodeConfig node, Condition when, Map<String, TensorRef> inputs, boolean active) {
    return new NamedStep(name, new SequenceOptions.Step(node, when, inputs, active));
  }

  /** A sequence of these steps, in order. */
  static NodeConfig sequence(NamedStep... steps) {
    Map<String, SequenceOptions.Step> map = new LinkedHashMap<>();
    for (NamedStep step : steps) {
      map.put(step.name(), step.step());
    }
    return NodeConfig.of(new SequenceOptions(map));
  }

  /** An ensemble branch with its name, for {@link #ensemble}. */
  record NamedBranch(String name, EnsembleOptions.Branch branch) {}

  static NamedBranch branch(String name, NodeConfig node) {
    return new NamedBranch(name, EnsembleOptions.Branch.of(node));
  }

  static NamedBranch branch(
      String name,
      NodeConfig node,
      EnsembleOptions.BranchPolicy policy,
      boolean active,
      double weight,
      Map<String, TensorRef> inputs) {
    return new NamedBranch(name, new EnsembleOptions.Branch(node, policy, active, weight, inputs));
  }

  /** An ensemble of these branches, in order. */
  static NodeConfig ensemble(CombinerConfig combine, NamedBranch... branches) {
    Map<String, EnsembleOptions.Branch> map = new LinkedHashMap<>();
    for (NamedBranch branch : branches) {
      map.put(branch.name(), branch.branch());
    }
    return NodeConfig.of(new EnsembleOptions(map, combine));
  }

  /** An ordered map of names to values ({@code name1, value1, name2, value2, ...}). */
  @SuppressWarnings("unchecked")
  static <V> Map<String, V> ordered(Object... namesAndValues) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], (V) namesAndValues[i + 1]);
    }
    return map;
  }

  static Tensor floats(String name, long[] shape, float... values) {
    return Tensor.ofFloats(name, shape, values);
  }

  /** Records every message logged at INFO or above. */
  static final class RecordingLogger implements System.Logger {
    private final List<String> lines;

    RecordingLogger(List<String> lines) {
      this.lines = lines;
    }

    @Override
    public String getName() {
      return "test-audit";
    }

    @Override
    public boolean isLoggable(Level level) {
      return level.getSeverity() >= Level.INFO.getSeverity();
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        synchronized (lines) {
          lines.add(msg);
        }
      }
    }

    @Override
    public void log(Level level, java.util.ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        synchronized (lines) {
          lines.add(params == null ? format : java.text.MessageFormat.format(format, params));
        }
      }
    }
  }
}
