package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import java.time.Duration;

/**
 * A compiled graph node. Every kind of {@link io.mlsys.config.NodeConfig} has one; everything a
 * call needs is resolved when the graph is built.
 */
sealed interface Node
    permits ModelNode,
        GraphNode,
        RemoteNode,
        TransformNode,
        SequenceNode,
        EnsembleNode,
        SwitchNode,
        CascadeNode {

  Place place();

  /** Runs the node in a context {@link #enter} already prepared. */
  InferResponse execute(InferRequest request, CallContext context, ParameterState state);

  /** Checks the budget, applies the node's timeout, and runs it. */
  static InferResponse run(
      Node node, InferRequest request, CallContext context, ParameterState state) {
    return node.execute(request, enter(node.place(), context, state), state);
  }

  /**
   * The context a node runs in: the caller's, with the node's own timeout when it has one.
   *
   * @throws DeadlineExceededException naming the node when no budget is left
   */
  static CallContext enter(Place place, CallContext context, ParameterState state) {
    if (context.deadline() != null && context.isExpired()) {
      throw new DeadlineExceededException(place.path());
    }
    Duration timeout = state.timeout(place.timeoutSlot());
    return timeout == null ? context : context.withTimeout(timeout);
  }
}
