package io.mlsys.graph;

import io.mlsys.config.GraphConfig;
import io.mlsys.config.NodeConfig;
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
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
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

  Graphs graphs(Map<String, GraphConfig> graphs) {
    return Graphs.create(graphs, this, options());
  }

  static NodeConfig.Model model(String name) {
    return new NodeConfig.Model(name, null, List.of(), null);
  }

  static NodeConfig.Model model(String name, String... outputs) {
    return new NodeConfig.Model(name, null, List.of(outputs), null);
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
