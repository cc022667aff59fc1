package io.mlsys.config;

import java.util.Objects;

/**
 * One inference graph ({@code graphs.<name>:}): a node tree served under its name like a model.
 *
 * @param root the node that answers
 */
public record GraphConfig(NodeConfig root) {
  public GraphConfig {
    Objects.requireNonNull(root, "root");
  }
}
