package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Predictor;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.graph.spi.GraphNode;
import java.util.ArrayList;
import java.util.List;

/** One built graph: a {@link Predictor} over its root node and its runtime parameters. */
final class CompiledGraph implements Predictor {

  /** A local model the graph calls. */
  record ModelRef(String name, String version) {}

  private final String name;
  private final GraphNode root;
  private final RuntimeParameters parameters;
  private final ModelLookup models;
  private final List<ModelRef> modelRefs;
  private final List<GraphHandle> callees;

  CompiledGraph(
      String name,
      GraphNode root,
      RuntimeParameters parameters,
      ModelLookup models,
      List<ModelRef> modelRefs,
      List<GraphHandle> callees) {
    this.name = name;
    this.root = root;
    this.parameters = parameters;
    this.models = models;
    this.modelRefs = List.copyOf(modelRefs);
    this.callees = List.copyOf(callees);
  }

  GraphNode root() {
    return root;
  }

  RuntimeParameters parameters() {
    return parameters;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    List<RequestedOutput> wanted = request.outputs();
    // Outputs the client names are the graph's; nodes ask their models for their own.
    InferRequest call = wanted.isEmpty() ? request : request.withOutputs(List.of());
    InferResponse answer = root.call(call, context, parameters.current());
    List<Tensor> outputs = wanted.isEmpty() ? answer.outputs() : select(answer, wanted);
    return new InferResponse(name, Graphs.VERSION, request.id(), outputs, answer.parameters());
  }

  private List<Tensor> select(InferResponse answer, List<RequestedOutput> wanted) {
    List<Tensor> outputs = new ArrayList<>(wanted.size());
    for (int i = 0; i < wanted.size(); i++) {
      Tensor tensor = Tensors.find(answer.outputs(), wanted.get(i).name());
      if (tensor == null) {
        throw new InvalidInputException(
            "outputs[" + i + "].name",
            ErrorMessages.quote(wanted.get(i).name())
                + " (expected: an output of graph '"
                + name
                + "': "
                + answer.outputs().stream().map(Tensor::name).toList()
                + ")");
      }
      outputs.add(tensor);
    }
    return outputs;
  }

  /** Whether every local model it calls, directly or through other graphs, is ready. */
  boolean isReady() {
    for (ModelRef model : modelRefs) {
      if (!models.isModelReady(model.name(), model.version())) {
        return false;
      }
    }
    for (GraphHandle callee : callees) {
      if (!callee.graph().isReady()) {
        return false;
      }
    }
    return true;
  }
}
