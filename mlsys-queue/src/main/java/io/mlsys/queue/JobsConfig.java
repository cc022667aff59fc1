package io.mlsys.queue;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * Asynchronous inference jobs ({@code jobs:} in mlsys.yaml): infer requests sent with {@code
 * Prefer: respond-async}, kept in the store ({@code jobs} owner) and run by workers in the server
 * or in {@code mlsys worker} processes.
 *
 * @param enabled whether the server accepts jobs (and runs its workers); on by default
 * @param queue the backend that delivers job ids to workers
 * @param redis the Redis Streams backend, read when {@code queue: redis}
 * @param rabbitmq the RabbitMQ backend, read when {@code queue: rabbitmq}
 * @param workers worker threads in this process, 0 to {@value #MAX_WORKERS}; 0: the server only
 *     accepts jobs and separate {@code mlsys worker} processes run them
 * @param maxAttempts how many times a job runs before it is {@code failed} (the dead-letter state),
 *     >= 1
 * @param backoff the delay before the second attempt; it doubles after each failed attempt (up to
 *     {@value #MAX_BACKOFF_TEXT})
 * @param lease how long a worker holds a delivery before it is given to another worker (a dead
 *     worker's jobs come back after it); workers extend it while a job runs
 * @param resultTtl how long a finished job (its result or error) is kept; then it is deleted
 * @param maxResultBytes the largest result kept; a larger one fails the job with an error that says
 *     so
 * @param maxQueued the most jobs waiting at once; over it a submission is refused with 503 and
 *     {@code Retry-After}
 * @param expireAfter how long a job may wait before it runs; a job still queued after it is {@code
 *     expired}
 * @param sweepInterval how often the sweeper expires late jobs, deletes old ones and republishes
 *     jobs whose publication was lost
 * @param republishAfter how long a job may wait without any sign of a live delivery (queued and not
 *     taken, or running without its worker extending the lease) before the sweeper publishes it
 *     again: a queue backend that lost its messages (a Redis restarted without persistence, a
 *     broker's lost state) delays its jobs by this, never loses them; longer than {@code lease}
 * @param idempotency how {@code Idempotency-Key} is matched
 * @param callbacks where finished jobs may be posted
 */
public record JobsConfig(
    boolean enabled,
    QueueBackend queue,
    RedisQueueConfig redis,
    RabbitMqQueueConfig rabbitmq,
    int workers,
    int maxAttempts,
    Duration backoff,
    Duration lease,
    Duration resultTtl,
    long maxResultBytes,
    int maxQueued,
    Duration expireAfter,
    Duration sweepInterval,
    Duration republishAfter,
    IdempotencyConfig idempotency,
    CallbacksConfig callbacks) {

  public static final int DEFAULT_WORKERS = 2;
  public static final int MAX_WORKERS = 1024;
  public static final int DEFAULT_MAX_ATTEMPTS = 3;
  public static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
  public static final Duration MAX_BACKOFF = Duration.ofHours(1);
  static final String MAX_BACKOFF_TEXT = "1h";
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RESULT_TTL = Duration.ofDays(1);
  public static final long DEFAULT_MAX_RESULT_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_QUEUED = 100_000;
  public static final Duration DEFAULT_EXPIRE_AFTER = Duration.ofHours(1);
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REPUBLISH_AFTER = Duration.ofMinutes(2);

  /**
   * @throws ConfigException listing every invalid field
   */
  public JobsConfig {
    queue = Objects.requireNonNullElse(queue, QueueBackend.EMBEDDED);
    redis = Objects.requireNonNullElseGet(redis, RedisQueueConfig::defaults);
    rabbitmq = Objects.requireNonNullElseGet(rabbitmq, RabbitMqQueueConfig::defaults);
    backoff = Objects.requireNonNullElse(backoff, DEFAULT_BACKOFF);
    lease = Objects.requireNonNullElse(lease, DEFAULT_LEASE);
    resultTtl = Objects.requireNonNullElse(resultTtl, DEFAULT_RESULT_TTL);
    expireAfter = Objects.requireNonNullElse(expireAfter, DEFAULT_EXPIRE_AFTER);
    sweepInterval = Objects.requireNonNullElse(sweepInterval, DEFAULT_SWEEP_INTERVAL);
    republishAfter = Objects.requireNonNullElse(republishAfter, DEFAULT_REPUBLISH_AFTER);
    idempotency = Objects.requireNonNullElseGet(idempotency, IdempotencyConfig::defaults);
    callbacks = Objects.requireNonNullElseGet(callbacks, CallbacksConfig::defaults);
    Violations violations = new Violations();
    violations.check(
        workers >= 0 && workers <= MAX_WORKERS,
        "workers",
        workers,
        "an integer from 0 to " + MAX_WORKERS);
    violations.check(maxAttempts >= 1, "max-attempts", maxAttempts, "an integer >= 1");
    violations.check(
        backoff.isPositive() && backoff.compareTo(MAX_BACKOFF) <= 0,
        "backoff",
        backoff,
        "a positive duration up to " + MAX_BACKOFF_TEXT);
    violations.check(
        lease.compareTo(Duration.ofSeconds(1)) >= 0, "lease", lease, "a duration of at least 1s");
    violations.check(resultTtl.isPositive(), "result-ttl", resultTtl, "a positive duration");
    violations.check(maxResultBytes >= 1, "max-result-bytes", maxResultBytes, "an integer >= 1");
    violations.check(maxQueued >= 1, "max-queued", maxQueued, "an integer >= 1");
    violations.check(expireAfter.isPositive(), "expire-after", expireAfter, "a positive duration");
    violations.check(
        sweepInterval.isPositive(), "sweep-interval", sweepInterval, "a positive duration");
    // A running job's worker shows it is alive once per third of a lease: a shorter wait would
    // republish jobs that run fine.
    violations.check(
        republishAfter.compareTo(lease) > 0,
        "republish-after",
        republishAfter,
        "a duration longer than lease (" + Durations.format(lease) + ")");
    violations.throwIfAny(null);
  }

  /** Enabled, embedded queue, two worker threads; every other key at its default. */
  @ConfigDefaults
  public static JobsConfig defaults() {
    return new JobsConfig(
        true,
        QueueBackend.EMBEDDED,
        RedisQueueConfig.defaults(),
        RabbitMqQueueConfig.defaults(),
        DEFAULT_WORKERS,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_BACKOFF,
        DEFAULT_LEASE,
        DEFAULT_RESULT_TTL,
        DEFAULT_MAX_RESULT_BYTES,
        DEFAULT_MAX_QUEUED,
        DEFAULT_EXPIRE_AFTER,
        DEFAULT_SWEEP_INTERVAL,
        DEFAULT_REPUBLISH_AFTER,
        IdempotencyConfig.defaults(),
        CallbacksConfig.defaults());
  }

  /** The delay before attempt {@code attempt + 1}, after {@code attempt} failed ones (>= 1). */
  public Duration backoffAfter(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    Duration delay = backoff.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay;
  }

  public JobsConfig withEnabled(boolean newEnabled) {
    return new JobsConfig(
        newEnabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withQueue(QueueBackend newQueue) {
    return new JobsConfig(
        enabled,
        newQueue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withWorkers(int newWorkers) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        newWorkers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withRetries(int newMaxAttempts, Duration newBackoff) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        newMaxAttempts,
        newBackoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withLease(Duration newLease) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        newLease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withLimits(long newMaxResultBytes, int newMaxQueued) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        newMaxResultBytes,
        newMaxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withLifetimes(Duration newExpireAfter, Duration newResultTtl) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        newResultTtl,
        maxResultBytes,
        maxQueued,
        newExpireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withSweepInterval(Duration newSweepInterval) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        newSweepInterval,
        republishAfter,
        idempotency,
        callbacks);
  }

  public JobsConfig withIdempotency(IdempotencyConfig newIdempotency) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        newIdempotency,
        callbacks);
  }

  public JobsConfig withCallbacks(CallbacksConfig newCallbacks) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        republishAfter,
        idempotency,
        newCallbacks);
  }

  public JobsConfig withRepublishAfter(Duration newRepublishAfter) {
    return new JobsConfig(
        enabled,
        queue,
        redis,
        rabbitmq,
        workers,
        maxAttempts,
        backoff,
        lease,
        resultTtl,
        maxResultBytes,
        maxQueued,
        expireAfter,
        sweepInterval,
        newRepublishAfter,
        idempotency,
        callbacks);
  }
}
