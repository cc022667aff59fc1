package io.mlsys.core;

/** A circuit breaker in front of a predictor is open. */
public final class CircuitOpenException extends MlsysException {
  private final String circuit;

  public CircuitOpenException(String circuit) {
    super("circuit '" + circuit + "' is open");
    this.circuit = circuit;
  }

  public String circuit() {
    return circuit;
  }
}
