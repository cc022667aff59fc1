package io.mlsys.example.kind;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.NodeOptions;

/**
 * The options of the {@code clamp} node kind: {@code clamp: {min: 0.1, max: 0.9, node: {model:
 * iris}}} answers what {@code node} answers, with every FP32 value held to [min, max].
 *
 * @param min the lowest value answered
 * @param max the highest value answered, above {@code min}
 * @param node the child node whose answer is clamped: any node kind, built-in or not
 */
public record ClampOptions(double min, double max, NodeConfig node) implements NodeOptions {
  /**
   * @throws ConfigException naming each bad key
   */
  public ClampOptions {
    Violations violations = new Violations();
    violations.check(min < max, "max", max, "a number above min (" + min + ")");
    violations.check(node != null, "node", null, "a node, such as {model: iris}");
    violations.throwIfAny(null);
  }
}
