package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * A bulkhead in front of one model ({@code decorators: [{concurrency-limit: {...}}]}): at most
 * {@code max-in-flight} calls run at once, at most {@code max-queued} wait for their turn, none
 * waits longer than {@code max-queue-wait}, and a call that cannot meet its deadline is refused
 * before it runs. A call refused for capacity gets 503 with {@code Retry-After} (gRPC UNAVAILABLE);
 * one whose deadline is shorter than the model's measured service time gets 504 (gRPC
 * DEADLINE_EXCEEDED).
 *
 * @param maxInFlight calls of this model that may run at once, 1 to 100000
 * @param maxQueued calls that may wait for a free slot, 0 to 100000 (0: refuse at once when every
 *     slot is busy)
 * @param maxQueueWait the queue-time bound: longest a call waits for a slot before it is refused
 *     (sooner when its deadline comes first), >= 0
 * @param maxQueueTime the longest a call may have spent in the server, from its arrival (its
 *     request's head read by the transport) to the moment it would start running, before it is
 *     refused (503) instead of run late: the time its body took to be read and parsed and its wait
 *     for the CPU count, which {@code max-queue-wait} does not see; {@code 0s}: no such bound (the
 *     default). Calls that did not come through a transport (no arrival time) are not bounded by it
 * @param shedByDeadline refuse a call before it runs when its time left is shorter than the
 *     estimated wait plus the model's measured service time (an average over recent calls, used
 *     once {@value LatencyEstimate#WARM_UP_CALLS} calls were measured)
 */
public record ConcurrencyLimitOptions(
    int maxInFlight,
    int maxQueued,
    Duration maxQueueWait,
    Duration maxQueueTime,
    boolean shedByDeadline)
    implements DecoratorOptions {

  public static final int DEFAULT_MAX_IN_FLIGHT = 8;
  public static final int DEFAULT_MAX_QUEUED = 32;
  public static final Duration DEFAULT_MAX_QUEUE_WAIT = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_QUEUE_TIME = Duration.ZERO;
  public static final boolean DEFAULT_SHED_BY_DEADLINE = true;

  static final int MAX_LIMIT = 100_000;
  static final String EXPECTED_IN_FLIGHT = "an integer from 1 to " + MAX_LIMIT;
  static final String EXPECTED_QUEUED = "an integer from 0 to " + MAX_LIMIT;
  static final String EXPECTED_WAIT = Durations.EXPECTED + ", >= 0";

  /**
   * @throws ConfigException listing every invalid field
   */
  public ConcurrencyLimitOptions {
    maxQueueWait = Objects.requireNonNullElse(maxQueueWait, DEFAULT_MAX_QUEUE_WAIT);
    maxQueueTime = Objects.requireNonNullElse(maxQueueTime, DEFAULT_MAX_QUEUE_TIME);
    Violations violations = new Violations();
    violations.check(
        maxInFlight >= 1 && maxInFlight <= MAX_LIMIT,
        "max-in-flight",
        maxInFlight,
        EXPECTED_IN_FLIGHT);
    violations.check(
        maxQueued >= 0 && maxQueued <= MAX_LIMIT, "max-queued", maxQueued, EXPECTED_QUEUED);
    violations.check(!maxQueueWait.isNegative(), "max-queue-wait", maxQueueWait, EXPECTED_WAIT);
    violations.check(!maxQueueTime.isNegative(), "max-queue-time", maxQueueTime, EXPECTED_WAIT);
    violations.throwIfAny(null);
  }

  /** Every default. */
  @ConfigDefaults
  public static ConcurrencyLimitOptions defaults() {
    return new ConcurrencyLimitOptions(
        DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_MAX_QUEUED,
        DEFAULT_MAX_QUEUE_WAIT,
        DEFAULT_MAX_QUEUE_TIME,
        DEFAULT_SHED_BY_DEADLINE);
  }

  public ConcurrencyLimitOptions withMaxInFlight(int newMaxInFlight) {
    return new ConcurrencyLimitOptions(
        newMaxInFlight, maxQueued, maxQueueWait, maxQueueTime, shedByDeadline);
  }

  public ConcurrencyLimitOptions withMaxQueued(int newMaxQueued) {
    return new ConcurrencyLimitOptions(
        maxInFlight, newMaxQueued, maxQueueWait, maxQueueTime, shedByDeadline);
  }

  public ConcurrencyLimitOptions withMaxQueueWait(Duration newMaxQueueWait) {
    return new ConcurrencyLimitOptions(
        maxInFlight, maxQueued, newMaxQueueWait, maxQueueTime, shedByDeadline);
  }

  public ConcurrencyLimitOptions withMaxQueueTime(Duration newMaxQueueTime) {
    return new ConcurrencyLimitOptions(
        maxInFlight, maxQueued, maxQueueWait, newMaxQueueTime, shedByDeadline);
  }

  public ConcurrencyLimitOptions withShedByDeadline(boolean newShedByDeadline) {
    return new ConcurrencyLimitOptions(
        maxInFlight, maxQueued, maxQueueWait, maxQueueTime, newShedByDeadline);
  }
}
