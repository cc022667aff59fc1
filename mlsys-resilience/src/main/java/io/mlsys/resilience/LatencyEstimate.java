package io.mlsys.resilience;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long one call of a model takes, as an exponentially weighted moving average of its measured
 * service times (without queueing), so that a call that cannot meet its deadline is refused before
 * it runs. The average only counts once {@value #WARM_UP_CALLS} calls were measured: the first
 * calls of a model (session warm-up, JIT) are slower than its steady state and would refuse calls
 * that would have made it.
 *
 * <p>Lock-free: the average lives in one atomic long (a double's bits).
 */
final class LatencyEstimate {
  /** Calls measured before the estimate is used. */
  static final int WARM_UP_CALLS = 10;

  /** Weight of the newest measurement: about the last ten calls count. */
  static final double ALPHA = 0.2;

  private final AtomicLong averageBits = new AtomicLong(Double.doubleToRawLongBits(0));
  private final AtomicLong count = new AtomicLong();

  void record(long nanos) {
    long seen = count.getAndIncrement();
    averageBits.getAndUpdate(
        bits -> {
          double average = Double.longBitsToDouble(bits);
          double next = seen == 0 ? nanos : average + ALPHA * (nanos - average);
          return Double.doubleToRawLongBits(next);
        });
  }

  /** The estimated service time in nanoseconds; -1 while fewer than the warm-up calls ran. */
  long nanos() {
    return count.get() < WARM_UP_CALLS ? -1 : (long) Double.longBitsToDouble(averageBits.get());
  }

  /** Nanoseconds on {@code clock}'s time line, for durations measured with an injected clock. */
  static long nanosOf(Clock clock) {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
