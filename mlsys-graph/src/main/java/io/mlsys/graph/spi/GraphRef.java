package io.mlsys.graph.spi;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;

/**
 * Another graph of the same generation, as a node calls it ({@link NodeCompiler#graph}). It is
 * compiled with the others, so it may be called only once the generation is built.
 */
public interface GraphRef {

  /** The graph's name. */
  String name();

  /** Calls the graph as its clients do; its errors name its own nodes. */
  InferResponse infer(InferRequest request, CallContext context);
}
