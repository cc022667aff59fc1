package io.mlsys.graph;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import java.time.ZoneId;
import java.util.LinkedHashMap;
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
  record Route(String name, Node node, int activeSlot, Rules.Rule when, String whenPath) {}

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
    InferResponse answer = Node.run(route.node(), request, context, state);
    Map<String, Object> parameters = new LinkedHashMap<>(answer.parameters());
    parameters.put(ROUTE, route.name());
    return new InferResponse(
        answer.modelName(), answer.modelVersion(), answer.id(), answer.outputs(), parameters);
  }
}
