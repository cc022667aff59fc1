package io.mlsys.core;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Takes a share of events by counting, not drawing: at rate r, event n is taken when n * r passes
 * the next whole number, so 0.1 takes exactly every tenth event and a test needs no seeded
 * randomness. Thread-safe.
 */
public final class CountedSampler {
  private final double rate;
  private final AtomicLong seen = new AtomicLong();

  /**
   * @param rate the share to take: 1 or more takes every event, 0 or less none
   */
  public CountedSampler(double rate) {
    this.rate = rate;
  }

  /** Whether to take this event (counts it unless the rate takes all or none). */
  public boolean take() {
    if (rate >= 1) {
      return true;
    }
    if (rate <= 0) {
      return false;
    }
    long n = seen.incrementAndGet();
    return (long) (n * rate) != (long) ((n - 1) * rate);
  }
}
