package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * A circuit breaker in front of one model ({@code decorators: [{circuit-breaker: {...}}]}), sized
 * for inference: it judges the calls of the last seconds (or the last calls), opens when too many
 * failed or were slower than the service level objective, refuses every call for {@code open-for}
 * (503 with {@code Retry-After}, gRPC UNAVAILABLE, or a fallback's answer), then lets a few probes
 * through and closes when they do well.
 *
 * <p>Failures are the model's own: errors of execution, an upstream's failure, a deadline passed
 * while it ran, a model not ready. A caller's mistake (invalid input, a quota) and a limit's
 * refusal are neither success nor failure.
 *
 * @param window the sliding window judged, in whole seconds from 1s to 1h (calls of the last {@code
 *     window}), when {@code window-calls} is 0
 * @param windowCalls the sliding window as a number of calls (the last N calls), 0 to 100000; 0
 *     judges by {@code window} instead
 * @param minimumCalls calls the window must hold before it is judged, 1 to 100000
 * @param failureRatio the share of failed calls that opens the breaker, above 0 up to 1
 * @param slowCallThreshold the service level objective: a call that takes longer is slow, > 0
 * @param slowCallRatio the share of slow calls that opens the breaker, above 0 up to 1
 * @param openFor how long the open breaker refuses calls before it lets probes through, > 0
 * @param halfOpenProbes calls let through to probe; the breaker closes when their failure and slow
 *     shares are under the ratios, and opens again otherwise, 1 to 1000
 */
public record CircuitBreakerOptions(
    Duration window,
    int windowCalls,
    int minimumCalls,
    double failureRatio,
    Duration slowCallThreshold,
    double slowCallRatio,
    Duration openFor,
    int halfOpenProbes)
    implements DecoratorOptions {

  public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
  public static final int DEFAULT_WINDOW_CALLS = 0;
  public static final int DEFAULT_MINIMUM_CALLS = 20;
  public static final double DEFAULT_FAILURE_RATIO = 0.5;
  public static final Duration DEFAULT_SLOW_CALL_THRESHOLD = Duration.ofSeconds(1);
  public static final double DEFAULT_SLOW_CALL_RATIO = 0.5;
  public static final Duration DEFAULT_OPEN_FOR = Duration.ofSeconds(5);
  public static final int DEFAULT_HALF_OPEN_PROBES = 5;

  static final int MAX_CALLS = 100_000;
  static final String EXPECTED_WINDOW = "whole seconds from 1s to 1h";
  static final String EXPECTED_WINDOW_CALLS =
      "an integer from 0 to " + MAX_CALLS + " (0: judge by window)";
  static final String EXPECTED_MINIMUM_CALLS = "an integer from 1 to " + MAX_CALLS;
  static final String EXPECTED_RATIO = "a number above 0 up to 1";
  static final String EXPECTED_POSITIVE = Durations.EXPECTED + ", > 0";
  static final String EXPECTED_PROBES = "an integer from 1 to 1000";

  /**
   * @throws ConfigException listing every invalid field
   */
  public CircuitBreakerOptions {
    window = Objects.requireNonNullElse(window, DEFAULT_WINDOW);
    slowCallThreshold = Objects.requireNonNullElse(slowCallThreshold, DEFAULT_SLOW_CALL_THRESHOLD);
    openFor = Objects.requireNonNullElse(openFor, DEFAULT_OPEN_FOR);
    Violations violations = new Violations();
    violations.check(
        window.getNano() == 0 && window.getSeconds() >= 1 && window.getSeconds() <= 3600,
        "window",
        window,
        EXPECTED_WINDOW);
    violations.check(
        windowCalls >= 0 && windowCalls <= MAX_CALLS,
        "window-calls",
        windowCalls,
        EXPECTED_WINDOW_CALLS);
    violations.check(
        minimumCalls >= 1 && minimumCalls <= MAX_CALLS,
        "minimum-calls",
        minimumCalls,
        EXPECTED_MINIMUM_CALLS);
    violations.check(
        failureRatio > 0 && failureRatio <= 1, "failure-ratio", failureRatio, EXPECTED_RATIO);
    violations.check(
        slowCallThreshold.isPositive(),
        "slow-call-threshold",
        slowCallThreshold,
        EXPECTED_POSITIVE);
    violations.check(
        slowCallRatio > 0 && slowCallRatio <= 1, "slow-call-ratio", slowCallRatio, EXPECTED_RATIO);
    violations.check(openFor.isPositive(), "open-for", openFor, EXPECTED_POSITIVE);
    violations.check(
        halfOpenProbes >= 1 && halfOpenProbes <= 1000,
        "half-open-probes",
        halfOpenProbes,
        EXPECTED_PROBES);
    violations.throwIfAny(null);
  }

  /** Every default: the last 10 s judged once they hold 20 calls; open for 5 s. */
  @ConfigDefaults
  public static CircuitBreakerOptions defaults() {
    return new CircuitBreakerOptions(
        DEFAULT_WINDOW,
        DEFAULT_WINDOW_CALLS,
        DEFAULT_MINIMUM_CALLS,
        DEFAULT_FAILURE_RATIO,
        DEFAULT_SLOW_CALL_THRESHOLD,
        DEFAULT_SLOW_CALL_RATIO,
        DEFAULT_OPEN_FOR,
        DEFAULT_HALF_OPEN_PROBES);
  }

  /** The window as the last {@code newWindow} of time (window-calls 0). */
  public CircuitBreakerOptions withWindow(Duration newWindow, int newMinimumCalls) {
    return new CircuitBreakerOptions(
        newWindow,
        0,
        newMinimumCalls,
        failureRatio,
        slowCallThreshold,
        slowCallRatio,
        openFor,
        halfOpenProbes);
  }

  /** The window as the last {@code newWindowCalls} calls. */
  public CircuitBreakerOptions withWindowCalls(int newWindowCalls, int newMinimumCalls) {
    return new CircuitBreakerOptions(
        window,
        newWindowCalls,
        newMinimumCalls,
        failureRatio,
        slowCallThreshold,
        slowCallRatio,
        openFor,
        halfOpenProbes);
  }

  public CircuitBreakerOptions withFailureRatio(double newFailureRatio) {
    return new CircuitBreakerOptions(
        window,
        windowCalls,
        minimumCalls,
        newFailureRatio,
        slowCallThreshold,
        slowCallRatio,
        openFor,
        halfOpenProbes);
  }

  public CircuitBreakerOptions withSlowCalls(Duration newThreshold, double newRatio) {
    return new CircuitBreakerOptions(
        window,
        windowCalls,
        minimumCalls,
        failureRatio,
        newThreshold,
        newRatio,
        openFor,
        halfOpenProbes);
  }

  public CircuitBreakerOptions withOpenFor(Duration newOpenFor, int newHalfOpenProbes) {
    return new CircuitBreakerOptions(
        window,
        windowCalls,
        minimumCalls,
        failureRatio,
        slowCallThreshold,
        slowCallRatio,
        newOpenFor,
        newHalfOpenProbes);
  }
}
