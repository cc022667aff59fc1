package io.mlsys.core;

import java.time.Duration;
import java.util.Optional;

/**
 * A circuit breaker in front of a predictor is open: the call was refused without running.
 * Transports answer it as unavailable (HTTP 503, gRPC UNAVAILABLE), with the time until the breaker
 * lets probes through again as the retry delay when the breaker knows it.
 */
public final class CircuitOpenException extends MlsysException {
  private final String circuit;
  private final Duration retryAfter;

  public CircuitOpenException(String circuit) {
    this(circuit, null);
  }

  /**
   * @param circuit names the breaker, e.g. the model it guards
   * @param retryAfter when the breaker lets calls through again; null when unknown
   */
  public CircuitOpenException(String circuit, Duration retryAfter) {
    super(
        "circuit '"
            + circuit
            + "' is open"
            + (retryAfter == null ? "" : " (retry after " + retryAfter.toMillis() + " ms)"));
    this.circuit = circuit;
    this.retryAfter = retryAfter;
  }

  public String circuit() {
    return circuit;
  }

  /** When the breaker lets calls through again, if it knows. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
