package io.mlsys.graph.spi;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;

/**
 * A compiled node: what {@link NodeKind#compile} makes of its options. Immutable and thread-safe;
 * one instance serves every call of its generation. Its parent calls it through the {@link
 * GraphNode} that puts it at its place in the graph.
 */
public interface Node {

  /**
   * Runs the node in a context its {@link GraphNode} already prepared (the budget checked, the
   * node's own timeout applied), calling its children through their {@link GraphNode#call}.
   *
   * @param state the graph's runtime parameters for this call: read the node's slots from it
   * @throws io.mlsys.core.MlsysException for every expected failure, naming the node's path
   */
  InferResponse execute(InferRequest request, CallContext context, ParameterState state);

  /**
   * The tensors the node answers when it gets {@code in}, without data; every mismatch (a tensor it
   * reads that {@code in} does not have, an output it names that a child does not answer) goes to
   * {@code signatures} with its key path. Best effort: {@link Flow#UNKNOWN} where nothing is known,
   * and by default.
   */
  default Flow outputs(Flow in, SignatureContext signatures) {
    return Flow.UNKNOWN;
  }

  /**
   * The tensors the node reads from what it gets, given what the node after it reads from its
   * answer ({@code after}: a node that passes tensors through reads them too). By default an open
   * demand: the node may read anything, and the graph's input signature is then incomplete.
   */
  default Demand reads(Demand after, SignatureContext signatures) {
    return Demand.unknown();
  }

  /**
   * The node in one line for the graph's metadata, children by their {@link GraphNode#describe}:
   * {@code ensemble(setosa: iris_setosa, ...; combine: max)}.
   */
  String describe();
}
