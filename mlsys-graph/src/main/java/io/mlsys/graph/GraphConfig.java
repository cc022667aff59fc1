package io.mlsys.graph;

import io.mlsys.config.ConfigInline;
import io.mlsys.graph.spi.NodeOptions;
import java.util.Objects;

/**
 * One inference graph ({@code graphs.<name>:}): a node tree served under its name like a model. Its
 * root is written in place, with no keys of a place: {@code graphs: {iris: {model: iris-svc}}}.
 *
 * @param root the node that answers
 */
public record GraphConfig(@ConfigInline NodeConfig root) {
  public GraphConfig {
    Objects.requireNonNull(root, "root");
  }

  /** A graph whose root has these options and no timeout of its own. */
  public static GraphConfig of(NodeOptions root) {
    return new GraphConfig(NodeConfig.of(root));
  }
}
