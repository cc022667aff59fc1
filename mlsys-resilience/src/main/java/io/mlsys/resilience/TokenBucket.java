package io.mlsys.resilience;

/**
 * A token bucket on an injected time line: {@code rate} tokens a second, at most {@code burst}
 * held. A call takes one token or learns how long until one is there.
 */
final class TokenBucket {
  private final double tokensPerNano;
  private final double burst;
  private double tokens;
  private long last;

  /**
   * @param perSecond tokens added a second, > 0
   * @param burst most tokens held, >= 1; the bucket starts full
   * @param now the time line's current nanoseconds
   */
  TokenBucket(double perSecond, int burst, long now) {
    this.tokensPerNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token: 0 when taken, else the nanoseconds until one is there (nothing taken). */
  synchronized long tryTake(long now) {
    if (now > last) {
      tokens = Math.min(burst, tokens + (now - last) * tokensPerNano);
      last = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
  }
}
