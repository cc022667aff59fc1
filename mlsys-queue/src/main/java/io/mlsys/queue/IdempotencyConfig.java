package io.mlsys.queue;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code Idempotency-Key} headers are matched ({@code jobs.idempotency}).
 *
 * @param scope whose submissions share keys
 * @param ttl how long a key names its job; a key reused after it starts a new job
 */
public record IdempotencyConfig(IdempotencyScope scope, Duration ttl) {
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);

  /**
   * @throws ConfigException listing every invalid field
   */
  public IdempotencyConfig {
    scope = Objects.requireNonNullElse(scope, IdempotencyScope.CALLER_AND_MODEL);
    ttl = Objects.requireNonNullElse(ttl, DEFAULT_TTL);
    Violations violations = new Violations();
    violations.check(ttl.isPositive(), "ttl", ttl, "a positive duration");
    violations.throwIfAny(null);
  }

  /** Per caller and model, for 24 hours. */
  @ConfigDefaults
  public static IdempotencyConfig defaults() {
    return new IdempotencyConfig(IdempotencyScope.CALLER_AND_MODEL, DEFAULT_TTL);
  }
}
