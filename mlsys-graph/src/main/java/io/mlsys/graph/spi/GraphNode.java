package io.mlsys.graph.spi;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;

/**
 * A compiled node at its place in the graph: how a node calls its children, whatever their kind.
 * {@link NodeCompiler#child} makes one for each child; a parent keeps it and calls {@link #call}.
 */
public interface GraphNode {

  /** Where the node sits: its path for errors, its config key, its runtime parameters' prefix. */
  Place place();

  /**
   * Runs the node: checks the budget, applies the node's own timeout, and executes it. The same as
   * {@code execute(request, enter(context, state), state)}.
   *
   * @throws io.mlsys.core.DeadlineExceededException naming the node when no budget is left
   */
  InferResponse call(InferRequest request, CallContext context, ParameterState state);

  /**
   * The context the node runs in: the caller's, with the node's own timeout when it has one. A
   * parent that runs the node on another thread enters on its own thread first.
   *
   * @throws io.mlsys.core.DeadlineExceededException naming the node when no budget is left
   */
  CallContext enter(CallContext context, ParameterState state);

  /** Runs the node in a context {@link #enter} made. */
  InferResponse execute(InferRequest request, CallContext entered, ParameterState state);

  /** {@link Node#outputs} of the node. */
  Flow outputs(Flow in, SignatureContext signatures);

  /** {@link Node#reads} of the node. */
  Demand reads(Demand after, SignatureContext signatures);

  /** {@link Node#describe} of the node. */
  String describe();
}
