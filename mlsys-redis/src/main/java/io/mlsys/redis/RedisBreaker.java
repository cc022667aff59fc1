package io.mlsys.redis;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The breaker in front of one user's Redis tier (a prediction cache, a feature store): after {@code
 * threshold} consecutive failures (errors, timeouts, no connection) it opens, and for {@code
 * openPeriod} no call goes to Redis; then one call probes it (half-open): a success closes the
 * breaker, a failure opens it again. So a Redis that is down or slow costs each call nothing while
 * open, and the tier comes back by itself when Redis does. Reads the injected clock only.
 */
public final class RedisBreaker {
  /** Where the breaker is. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private final Clock clock;
  private final int threshold;
  private final Duration openPeriod;
  // Read without the lock on the hot path: a closed breaker costs one volatile read.
  private volatile State state = State.CLOSED;
  private int failures;
  private Instant until = Instant.MIN;

  /**
   * @param threshold consecutive failures that open it, >= 1
   * @param openPeriod how long it stays open before a probe
   */
  public RedisBreaker(Clock clock, int threshold, Duration openPeriod) {
    this.clock = clock;
    this.threshold = threshold;
    this.openPeriod = openPeriod;
  }

  /** Whether a call may go to Redis now; a true answer out of an open breaker is the probe. */
  public boolean allow() {
    if (state == State.CLOSED) {
      return true;
    }
    synchronized (this) {
      Instant now = clock.instant();
      if (state == State.CLOSED) {
        return true;
      }
      // A probe that never reported (its call was dropped) does not keep the breaker half-open.
      if (now.isBefore(until)) {
        return false;
      }
      state = State.HALF_OPEN;
      until = now.plus(openPeriod);
      return true;
    }
  }

  /** A call to Redis succeeded: the breaker closes. */
  public void success() {
    if (state == State.CLOSED && failures == 0) {
      return;
    }
    synchronized (this) {
      state = State.CLOSED;
      failures = 0;
    }
  }

  /** A call to Redis failed (an error, a timeout, no connection). */
  public synchronized void failure() {
    failures++;
    if (state == State.HALF_OPEN || failures >= threshold) {
      state = State.OPEN;
      until = clock.instant().plus(openPeriod);
    }
  }

  public State state() {
    return state;
  }
}
