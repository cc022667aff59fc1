package io.mlsys.graph;

import java.time.Duration;

/**
 * One immutable snapshot of a graph's runtime parameters. A call reads the current snapshot once
 * and passes it down, so it sees every change of one {@code setParameters} or none of it. Nodes
 * hold slot indices, so reading a parameter is an array access.
 */
final class ParameterState {
  private final boolean[] active;
  private final double[] numbers;
  private final Duration[] timeouts;

  ParameterState(boolean[] active, double[] numbers, Duration[] timeouts) {
    this.active = active;
    this.numbers = numbers;
    this.timeouts = timeouts;
  }

  /** Whether the step, branch or rule at {@code slot} is active; a negative slot always is. */
  boolean active(int slot) {
    return slot < 0 || active[slot];
  }

  /** A weight or threshold. */
  double number(int slot) {
    return numbers[slot];
  }

  /** A node's own timeout, or null for none. */
  Duration timeout(int slot) {
    return timeouts[slot];
  }

  boolean[] copyOfActive() {
    return active.clone();
  }

  double[] copyOfNumbers() {
    return numbers.clone();
  }

  Duration[] copyOfTimeouts() {
    return timeouts.clone();
  }
}
