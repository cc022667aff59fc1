package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on the work one request, and all requests together, may take ({@code server.limits:} in
 * mlsys.yaml).
 *
 * @param maxRequestElements most tensor elements one inference request may carry, summed over its
 *     inputs; more is a 400 naming the limit
 * @param memoryBudgetBytes estimated bytes (tensors in and out) the inference requests in flight
 *     may hold together; a request that does not fit waits, then is shed with 503. Null means
 *     {@code 1/}{@value #DEFAULT_MEMORY_BUDGET_HEAP_DIVISOR} of the maximum heap
 * @param maxInFlight inference requests (REST and gRPC together) that may run at once
 * @param maxQueueWait longest a request waits to be admitted when the server is at its limits
 *     before it is shed with 503 and {@code Retry-After} (sooner when its deadline comes first); 0
 *     sheds at once
 */
public record LimitsConfig(
    long maxRequestElements, Long memoryBudgetBytes, int maxInFlight, Duration maxQueueWait) {

  /** 16 MiB of FP32, what the default {@code server.max-request-bytes} holds in binary. */
  public static final long DEFAULT_MAX_REQUEST_ELEMENTS = 4L * 1024 * 1024;

  /**
   * The default budget is the maximum heap divided by this: the estimate counts each tensor once,
   * while a request holds it several times (the body, the Java tensor, the runtime's native copy,
   * the encoded answer).
   */
  public static final int DEFAULT_MEMORY_BUDGET_HEAP_DIVISOR = 8;

  /**
   * Enough for dynamic batching to form large batches; CPU-bound work is limited by the cores long
   * before this.
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 128;

  public static final Duration DEFAULT_MAX_QUEUE_WAIT = Duration.ofSeconds(1);

  static final String EXPECTED_MAX_REQUEST_ELEMENTS = "an integer from 1 to " + Integer.MAX_VALUE;
  static final String EXPECTED_MEMORY_BUDGET_BYTES =
      "an integer >= 1; leave it out for 1/"
          + DEFAULT_MEMORY_BUDGET_HEAP_DIVISOR
          + " of the maximum heap";
  static final String EXPECTED_MAX_IN_FLIGHT = "an integer from 1 to 1000000";
  static final String EXPECTED_MAX_QUEUE_WAIT = Durations.EXPECTED + ", >= 0";

  /**
   * @throws ConfigException listing every invalid field
   */
  public LimitsConfig {
    maxQueueWait = Objects.requireNonNullElse(maxQueueWait, DEFAULT_MAX_QUEUE_WAIT);
    Violations violations = new Violations();
    violations.check(
        maxRequestElements >= 1 && maxRequestElements <= Integer.MAX_VALUE,
        "max-request-elements",
        maxRequestElements,
        EXPECTED_MAX_REQUEST_ELEMENTS);
    violations.check(
        memoryBudgetBytes == null || memoryBudgetBytes >= 1,
        "memory-budget-bytes",
        memoryBudgetBytes,
        EXPECTED_MEMORY_BUDGET_BYTES);
    violations.check(
        maxInFlight >= 1 && maxInFlight <= 1_000_000,
        "max-in-flight",
        maxInFlight,
        EXPECTED_MAX_IN_FLIGHT);
    violations.check(
        !maxQueueWait.isNegative(), "max-queue-wait", maxQueueWait, EXPECTED_MAX_QUEUE_WAIT);
    violations.throwIfAny(null);
  }

  /** Every default. */
  @ConfigDefaults
  public static LimitsConfig defaults() {
    return new LimitsConfig(
        DEFAULT_MAX_REQUEST_ELEMENTS, null, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_QUEUE_WAIT);
  }

  /** The budget in bytes: the configured one, else the default share of {@code maxHeapBytes}. */
  public long memoryBudgetBytes(long maxHeapBytes) {
    if (memoryBudgetBytes != null) {
      return memoryBudgetBytes;
    }
    return Math.max(1, maxHeapBytes / DEFAULT_MEMORY_BUDGET_HEAP_DIVISOR);
  }

  public LimitsConfig withMaxRequestElements(long newMaxRequestElements) {
    return new LimitsConfig(newMaxRequestElements, memoryBudgetBytes, maxInFlight, maxQueueWait);
  }

  /** The same limits with this budget; null for the default share of the heap. */
  public LimitsConfig withMemoryBudgetBytes(Long newMemoryBudgetBytes) {
    return new LimitsConfig(maxRequestElements, newMemoryBudgetBytes, maxInFlight, maxQueueWait);
  }

  public LimitsConfig withMaxInFlight(int newMaxInFlight) {
    return new LimitsConfig(maxRequestElements, memoryBudgetBytes, newMaxInFlight, maxQueueWait);
  }

  public LimitsConfig withMaxQueueWait(Duration newMaxQueueWait) {
    return new LimitsConfig(maxRequestElements, memoryBudgetBytes, maxInFlight, newMaxQueueWait);
  }
}
