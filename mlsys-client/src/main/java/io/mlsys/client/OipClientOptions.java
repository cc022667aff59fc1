package io.mlsys.client;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link OipClient} connects and retries.
 *
 * @param connectTimeout longest wait to open a connection (> 0); the wait for an answer is bounded
 *     by the call's deadline instead
 * @param maxAttempts attempts per call in total, first one included (>= 1); only inference and
 *     metadata calls are retried, on connection failures and 502/503/504 answers
 * @param retryBackoff pause before each retry (>= 0)
 * @param clock the clock that dates in a remote {@code Retry-After} are read against
 * @param sleeper how the client pauses before a retry
 */
public record OipClientOptions(
    Duration connectTimeout, int maxAttempts, Duration retryBackoff, Clock clock, Sleeper sleeper) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_ATTEMPTS = 2;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(10);

  /**
   * @throws IllegalArgumentException naming the first invalid field
   */
  public OipClientOptions {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException(
          "connectTimeout: " + connectTimeout + " (expected: a duration > 0)");
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
    }
    if (retryBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "retryBackoff: " + retryBackoff + " (expected: a duration >= 0)");
    }
  }

  /**
   * Connect within 1 second, 2 attempts, 10 ms between them, the UTC system clock and a real pause.
   */
  public static OipClientOptions defaults() {
    return new OipClientOptions(
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_RETRY_BACKOFF,
        Clock.systemUTC(),
        Sleeper.system());
  }

  public OipClientOptions withConnectTimeout(Duration newConnectTimeout) {
    return new OipClientOptions(newConnectTimeout, maxAttempts, retryBackoff, clock, sleeper);
  }

  public OipClientOptions withMaxAttempts(int newMaxAttempts) {
    return new OipClientOptions(connectTimeout, newMaxAttempts, retryBackoff, clock, sleeper);
  }

  public OipClientOptions withRetryBackoff(Duration newRetryBackoff) {
    return new OipClientOptions(connectTimeout, maxAttempts, newRetryBackoff, clock, sleeper);
  }

  public OipClientOptions withClock(Clock newClock) {
    return new OipClientOptions(connectTimeout, maxAttempts, retryBackoff, newClock, sleeper);
  }

  public OipClientOptions withSleeper(Sleeper newSleeper) {
    return new OipClientOptions(connectTimeout, maxAttempts, retryBackoff, clock, newSleeper);
  }
}
