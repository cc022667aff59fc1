package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.graph.spi.GraphRef;

/**
 * A graph of the generation as another graph's node calls it, set once every graph is compiled
 * (graphs may call graphs compiled after them).
 */
final class GraphHandle implements GraphRef {
  private final String name;
  private CompiledGraph graph;

  GraphHandle(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    return graph.infer(request, context);
  }

  /** The graph; null until the generation is compiled. */
  CompiledGraph graph() {
    return graph;
  }

  void set(CompiledGraph target) {
    graph = target;
  }
}
