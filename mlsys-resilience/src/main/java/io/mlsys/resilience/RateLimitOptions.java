package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request rates of one model ({@code decorators: [{rate-limit: {...}}]}): a token bucket for the
 * whole model, and one per caller identity (the user of the caller's token, {@code server.auth};
 * calls without a known token share the identity {@value #ANONYMOUS}). Over the model's rate a call
 * gets 503 (the model is at capacity; gRPC UNAVAILABLE); over a caller's own rate it gets 429 (gRPC
 * RESOURCE_EXHAUSTED); both carry the time until a token is there as {@code Retry-After}.
 *
 * @param requestsPerSecond calls a second for the whole model, > 0; 0 for no model-wide rate
 * @param burst calls the model may take at once above its rate, 0 to 1000000; 0 means one second's
 *     worth of calls (at least 1)
 * @param perCaller the rate of each caller identity; null for none
 * @param callers rates of named caller identities, in place of {@code per-caller} for them
 */
public record RateLimitOptions(
    double requestsPerSecond, int burst, Rate perCaller, Map<String, Rate> callers)
    implements DecoratorOptions {

  /** The identity of calls that carry no known token. */
  public static final String ANONYMOUS = "anonymous";

  public static final double DEFAULT_REQUESTS_PER_SECOND = 0;
  public static final int DEFAULT_BURST = 0;

  static final int MAX_BURST = 1_000_000;
  static final String EXPECTED_RATE = "a number >= 0 (calls a second; 0: no limit)";
  static final String EXPECTED_CALLER_RATE = "a number > 0 (calls a second)";
  static final String EXPECTED_BURST =
      "an integer from 0 to " + MAX_BURST + " (0: one second's worth)";

  /**
   * One rate: a token bucket.
   *
   * @param requestsPerSecond calls a second, > 0 (required)
   * @param burst calls above the rate taken at once, 0 to 1000000; 0 means one second's worth (at
   *     least 1)
   */
  public record Rate(double requestsPerSecond, Integer burst) {
    /**
     * @throws ConfigException listing every invalid field
     */
    public Rate {
      burst = burst == null ? DEFAULT_BURST : burst;
      Violations violations = new Violations();
      violations.check(
          requestsPerSecond > 0 && Double.isFinite(requestsPerSecond),
          "requests-per-second",
          requestsPerSecond,
          EXPECTED_CALLER_RATE);
      violations.check(burst >= 0 && burst <= MAX_BURST, "burst", burst, EXPECTED_BURST);
      violations.throwIfAny(null);
    }

    /** The bucket's size: the burst, or one second's worth of calls. */
    int bucketSize() {
      return burst > 0 ? burst : (int) Math.max(1, Math.ceil(requestsPerSecond));
    }
  }

  /**
   * @throws ConfigException listing every invalid field
   */
  public RateLimitOptions {
    callers = callers == null ? Map.of() : new LinkedHashMap<>(callers);
    Violations violations = new Violations();
    violations.check(
        requestsPerSecond >= 0 && Double.isFinite(requestsPerSecond),
        "requests-per-second",
        requestsPerSecond,
        EXPECTED_RATE);
    violations.check(burst >= 0 && burst <= MAX_BURST, "burst", burst, EXPECTED_BURST);
    callers.forEach(
        (caller, rate) -> {
          violations.name("callers", caller);
          violations.check(rate != null, "callers." + caller, null, "a rate");
        });
    violations.throwIfAny(null);
    callers = Collections.unmodifiableMap(callers);
  }

  /** No limits: every call passes. */
  @ConfigDefaults
  public static RateLimitOptions defaults() {
    return new RateLimitOptions(DEFAULT_REQUESTS_PER_SECOND, DEFAULT_BURST, null, Map.of());
  }

  /** The model-wide bucket's size. */
  int bucketSize() {
    return burst > 0 ? burst : (int) Math.max(1, Math.ceil(requestsPerSecond));
  }

  /** The rate of one caller identity: its own, else {@code per-caller}; null for none. */
  Rate rateOf(String caller) {
    Rate own = callers.get(caller);
    return own != null ? own : perCaller;
  }

  public RateLimitOptions withRequestsPerSecond(double newRequestsPerSecond, int newBurst) {
    return new RateLimitOptions(newRequestsPerSecond, newBurst, perCaller, callers);
  }

  public RateLimitOptions withPerCaller(Rate newPerCaller) {
    return new RateLimitOptions(requestsPerSecond, burst, newPerCaller, callers);
  }

  public RateLimitOptions withCallers(Map<String, Rate> newCallers) {
    return new RateLimitOptions(requestsPerSecond, burst, perCaller, newCallers);
  }
}
