package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Parameters;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Condition-based routing: the first active rule that holds answers, else the default route. The
 * answer carries the response parameter {@value #ROUTE}: the rule's name or {@code default}.
 */
record SwitchNode(Place place, Route[] rules, Route fallback, ZoneId zone) implements Node {

  /** Response parameter naming the route that answered. */
  static final String ROUTE = "route";

  /** The name of the default route. */
  static final String DEFAULT = "default";

  /**
   * A rule, or the default route (no condition, always active).
   *
   * @param activeSlot -1 for the default route
   * @param when null for the default route
   * @param whenPath the path errors of {@code when} name
   */
  record Route(String name, GraphNode node, int activeSlot, Rules.Rule when, String whenPath) {}

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    for (Route rule : rules) {
      if (state.active(rule.activeSlot())
          && Rules.test(
              rule.when(), new Rules.Scope(request, context, null, zone, rule.whenPath()))) {
        return answer(rule, request, context, state);
      }
    }
    return answer(fallback, request, context, state);
  }

  private static InferResponse answer(
      Route route, InferRequest request, CallContext context, ParameterState state) {
    InferResponse answer = route.node().call(request, context, state);
    Map<String, Object> parameters = Parameters.withAdded(answer.parameters(), ROUTE, route.name());
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), parameters);
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    Flow hinted = Signatures.hinted(in, routeReads(signatures));
    List<Flow> outs = new ArrayList<>(rules.length + 1);
    for (Route rule : rules) {
      Signatures.checkReferences(
          rule.when(), hinted, null, rule.node().place().configPath() + ".when", signatures);
      outs.add(rule.node().outputs(in, signatures));
    }
    outs.add(fallback.node().outputs(in, signatures));
    return Flow.anyOf(outs);
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand demand = routeReads(signatures);
    for (Route rule : rules) {
      Signatures.addRuleReads(rule.when(), demand);
    }
    return demand;
  }

  /** What the routes read, the default last. */
  private Demand routeReads(SignatureContext signatures) {
    Demand reads = new Demand();
    for (Route rule : rules) {
      reads.addAll(rule.node().reads(new Demand(), signatures));
    }
    reads.addAll(fallback.node().reads(new Demand(), signatures));
    return reads;
  }

  @Override
  public String describe() {
    List<String> parts = new ArrayList<>();
    for (Route rule : rules) {
      parts.add(rule.name() + ": " + rule.node().describe());
    }
    parts.add(DEFAULT + ": " + fallback.node().describe());
    return "switch(" + String.join(", ", parts) + ")";
  }
}
