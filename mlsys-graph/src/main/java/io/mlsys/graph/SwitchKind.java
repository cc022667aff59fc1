package io.mlsys.graph;

import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code switch}: condition-based routing, rules in order (each with an {@code active} runtime
 * parameter) and a default route.
 */
public final class SwitchKind implements NodeKind<SwitchOptions> {

  @Override
  public String name() {
    return "switch";
  }

  @Override
  public Class<SwitchOptions> optionsType() {
    return SwitchOptions.class;
  }

  @Override
  public Node compile(SwitchOptions config, NodeCompiler compiler) {
    // The record checked the rule names, the zone, and that rules read no step outputs.
    Place place = compiler.place();
    BuildViolations violations = BuildViolations.forwarding(compiler::violation);
    List<SwitchNode.Route> rules = new ArrayList<>();
    for (int i = 0; i < config.rules().size(); i++) {
      SwitchOptions.Rule rule = config.rules().get(i);
      Place at = place.child("switch.rules[" + i + "]");
      int active = compiler.activeParameter(at.parameter("active"), true);
      SwitchNode.Route route =
          new SwitchNode.Route(
              rule.name(),
              compiler.child(rule.node(), at),
              active,
              Rules.compile(rule.when(), null, at.config("when"), violations),
              at.path() + ".when");
      rules.add(route);
    }
    Place fallback = place.child("switch.default");
    SwitchNode.Route defaultRoute =
        new SwitchNode.Route(
            SwitchNode.DEFAULT, compiler.child(config.defaultRoute(), fallback), -1, null, null);
    return new SwitchNode(
        place, rules.toArray(new SwitchNode.Route[0]), defaultRoute, ZoneId.of(config.zone()));
  }
}
