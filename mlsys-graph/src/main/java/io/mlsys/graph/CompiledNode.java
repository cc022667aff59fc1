package io.mlsys.graph;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Span;
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
 * parameter. Every node of every kind is entered here, so the budget check, the timeout and the
 * node's span apply alike to built-in and plugged-in kinds.
 */
final class CompiledNode implements GraphNode {
  private static final String GRAPH_PATH = "mlsys.graph.path";
  private static final String NODE = "mlsys.graph.node";
  private static final String OUTCOME = "mlsys.outcome";

  private final Place place;
  private final Node node;
  private final int timeoutSlot;
  private final String spanName;

  CompiledNode(Place place, Node node, int timeoutSlot) {
    this.place = place;
    this.node = node;
    this.timeoutSlot = timeoutSlot;
    this.spanName = "node " + place.path();
  }

  @Override
  public Place place() {
    return place;
  }

  @Override
  public InferResponse call(InferRequest request, CallContext context, ParameterState state) {
    return execute(request, enter(context, state), state);
  }

  @Override
  public CallContext enter(CallContext context, ParameterState state) {
    if (context.deadline() != null && context.isExpired()) {
      throw new DeadlineExceededException(place.path());
    }
    Duration timeout = state.timeout(timeoutSlot);
    return timeout == null ? context : context.withTimeout(timeout);
  }

  /**
   * Runs the node, in a span of its own ({@code node <path>}) when the call's span is recorded:
   * with tracing off this is one attribute lookup.
   */
  @Override
  public InferResponse execute(InferRequest request, CallContext entered, ParameterState state) {
    Span parent = Span.of(entered);
    if (parent == null || !parent.isRecording()) {
      return node.execute(request, entered, state);
    }
    Span span = parent.child(spanName, Span.Kind.INTERNAL);
    span.setAttribute(GRAPH_PATH, place.path());
    span.setAttribute(NODE, node.describe());
    try {
      InferResponse response = node.execute(request, entered.with(CallAttribute.SPAN, span), state);
      span.setAttribute(OUTCOME, "ok");
      return response;
    } catch (RuntimeException | Error e) {
      span.setAttribute(OUTCOME, Span.outcome(e));
      span.fail(e);
      throw e;
    } finally {
      span.end();
    }
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
