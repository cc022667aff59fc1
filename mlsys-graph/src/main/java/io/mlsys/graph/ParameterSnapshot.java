package io.mlsys.graph;

import io.mlsys.graph.spi.ParameterState;
import java.time.Duration;

/** The one {@link ParameterState}: the current values of a graph's parameters, in arrays. */
final class ParameterSnapshot implements ParameterState {
  private final boolean[] active;
  private final double[] numbers;
  private final Duration[] timeouts;

  ParameterSnapshot(boolean[] active, double[] numbers, Duration[] timeouts) {
    this.active = active;
    this.numbers = numbers;
    this.timeouts = timeouts;
  }

  @Override
  public boolean active(int slot) {
    return slot < 0 || active[slot];
  }

  @Override
  public double number(int slot) {
    return numbers[slot];
  }

  @Override
  public Duration timeout(int slot) {
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
