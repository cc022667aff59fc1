package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.RequestedOutput;
import java.util.List;

/**
 * A {@code model} node naming another graph of the same generation: it calls that graph, asking for
 * {@code outputs} (empty: all).
 */
record GraphNode(Place place, String target, List<RequestedOutput> outputs, GraphHandle handle)
    implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    try {
      return handle.graph().infer(request.withOutputs(outputs), context);
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), target, e);
    }
  }

  /**
   * The called graph, set once every graph of the generation is compiled (graphs may call graphs
   * compiled after them).
   */
  static final class GraphHandle {
    private CompiledGraph graph;

    CompiledGraph graph() {
      return graph;
    }

    void set(CompiledGraph target) {
      graph = target;
    }
  }
}
