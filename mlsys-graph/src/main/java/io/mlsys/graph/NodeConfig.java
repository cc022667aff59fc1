package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigKind;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * One node of an inference graph ({@code graphs.<name>:} and every nested node): a mapping with
 * exactly one kind key, whose value binds to that kind's {@link NodeOptions} (the installed kinds:
 * {@code model}, {@code remote}, {@code transform}, {@code sequence}, {@code ensemble}, {@code
 * switch}, {@code cascade}, and any {@link io.mlsys.graph.spi.NodeKind} on the class path), plus
 * the optional {@code timeout} every node accepts. The place a node sits in adds its own keys
 * beside these (a sequence step's {@code when}, an ensemble branch's {@code policy}, ...): the
 * place records hold the node inline.
 *
 * <p>Whether models, tensors and signatures exist is checked when the server builds the graph.
 *
 * @param options the kind's options
 * @param timeout this node's own time budget, > 0; null for none (the request deadline still
 *     applies); a runtime parameter
 */
public record NodeConfig(@ConfigKind NodeOptions options, Duration timeout) {
  static final String EXPECTED_TIMEOUT = Durations.EXPECTED + ", > 0";

  /**
   * @throws ConfigException when the timeout is not positive
   */
  public NodeConfig {
    Objects.requireNonNull(options, "options");
    Violations violations = new Violations();
    violations.check(
        timeout == null || (!timeout.isNegative() && !timeout.isZero()),
        "timeout",
        timeout,
        EXPECTED_TIMEOUT);
    violations.throwIfAny(null);
  }

  /** A node of these options without a timeout of its own. */
  public static NodeConfig of(NodeOptions options) {
    return new NodeConfig(options, null);
  }

  /** This node with its own time budget. */
  public NodeConfig withTimeout(Duration newTimeout) {
    return new NodeConfig(options, newTimeout);
  }
}
