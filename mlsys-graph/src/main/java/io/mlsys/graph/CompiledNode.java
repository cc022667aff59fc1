package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.time.Duration;

/**
 * The one {@link GraphNode}: a kind's node at its place, with the slot of its {@code timeout}
 * parameter. Every node of every kind is entered here, so the budget check and the timeout apply
 * alike to built-in and plugged-in kinds.
 */
final class CompiledNode implements GraphNode {
  private final Place place;
  private final Node node;
  private final int timeoutSlot;

  CompiledNode(Place place, Node node, int timeoutSlot) {
    this.place = place;
    this.node = node;
    this.timeoutSlot = timeoutSlot;
  }

  @Override
  public Place place() {
    return place;
  }

  @Override
  public InferResponse call(InferRequest request, CallContext context, ParameterState state) {
    return node.execute(request, enter(context, state), state);
  }

  @Override
  public CallContext enter(CallContext context, ParameterState state) {
    if (context.deadline() != null && context.isExpired()) {
      throw new DeadlineExceededException(place.path());
    }
    Duration timeout = state.timeout(timeoutSlot);
    return timeout == null ? context : context.withTimeout(timeout);
  }

  @Override
  public InferResponse execute(InferRequest request, CallContext entered, ParameterState state) {
    return node.execute(request, entered, state);
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    return node.outputs(in, signatures);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    return node.reads(after, signatures);
  }

  @Override
  public String describe() {
    return node.describe();
  }

  @Override
  public String toString() {
    return place.path() + ": " + node.describe();
  }
}
