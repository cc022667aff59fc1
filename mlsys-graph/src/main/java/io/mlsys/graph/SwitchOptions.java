package io.mlsys.graph;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code switch}: condition-based routing, the first rule whose {@code when} holds answers, else
 * {@code default}.
 *
 * @param rules in order; may be empty (or null); a rule without a name is named {@code rules[i]}
 * @param defaultRoute {@code default}: answers when no rule holds
 * @param zone the time zone {@code time} reads, e.g. {@code Europe/Berlin}; null: UTC
 */
public record SwitchOptions(
    List<Rule> rules, @JsonProperty("default") NodeConfig defaultRoute, String zone)
    implements NodeOptions {
  public static final String DEFAULT_ZONE = "UTC";

  /** The route name of {@code default} (the response parameter {@code route}). */
  public static final String DEFAULT_ROUTE = "default";

  static final String EXPECTED_ZONE = "a time zone such as UTC, Europe/Berlin or +02:00";

  /**
   * @throws ConfigException listing a missing default, every repeated rule name and an unknown zone
   */
  public SwitchOptions {
    zone = Objects.requireNonNullElse(zone, DEFAULT_ZONE);
    List<Rule> named = new ArrayList<>();
    Violations violations = new Violations();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < (rules == null ? 0 : rules.size()); i++) {
      Rule rule = rules.get(i);
      String name = rule.name() == null ? "rules[" + i + "]" : rule.name();
      violations.check(
          seen.add(name), "rules[" + i + "].name", name, "each rule name once, not 'default'");
      named.add(rule.name() == null ? new Rule(rule.node(), name, rule.when()) : rule);
    }
    rules = List.copyOf(named);
    violations.present("default", defaultRoute, "a graph node, answering when no rule holds");
    violations.check(isZone(zone), "zone", zone, EXPECTED_ZONE);
    violations.throwIfAny(null);
  }

  private static boolean isZone(String zone) {
    try {
      ZoneId.of(zone);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  /**
   * A switch rule: a node and the keys of its place.
   *
   * @param node what answers when the rule holds
   * @param name shown in the response parameter {@code route}; null: {@code rules[i]}
   * @param when when the rule answers; it reads headers, parameters, inputs or time, not {@code
   *     outputs} (a switch has no earlier steps)
   */
  public record Rule(@ConfigInline NodeConfig node, String name, Condition when) {
    static final String EXPECTED_WHEN = "a rule such as inputs.x[0] > 2.5";

    /**
     * @throws ConfigException when the name is blank or {@code default}, or the rule is missing or
     *     reads {@code outputs}
     */
    public Rule {
      Objects.requireNonNull(node, "node");
      Violations violations = new Violations();
      if (name != null) {
        violations.name("name", name);
        violations.check(
            !name.equals(DEFAULT_ROUTE), "name", name, "each rule name once, not 'default'");
      }
      if (violations.present("when", when, EXPECTED_WHEN)) {
        violations.check(
            !when.uses(Condition.OUTPUTS),
            "when",
            when.source(),
            "a rule on headers, parameters, inputs or time; outputs.STEP is read only by"
                + " sequence steps");
      }
      violations.throwIfAny(null);
    }
  }
}
