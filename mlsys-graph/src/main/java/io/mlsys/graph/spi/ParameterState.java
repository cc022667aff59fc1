package io.mlsys.graph.spi;

import java.time.Duration;

/**
 * One immutable snapshot of a graph's runtime parameters. A call reads the current snapshot once
 * and passes it down, so it sees every change of one {@code setParameters} or none of it. Nodes
 * hold the slots {@link NodeCompiler} gave them, so reading a parameter is an array access.
 */
public interface ParameterState {

  /** Whether the step, branch or rule at {@code slot} is active; a negative slot always is. */
  boolean active(int slot);

  /** A weight or threshold. */
  double number(int slot);

  /** A node's own timeout, or null for none. */
  Duration timeout(int slot);
}
