package io.mlsys.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One model's cache counters, as Prometheus names them: {@code mlsys_cache_hits_total{model, tier}}
 * (tier {@code memory} or {@code redis}; a call that shared an identical call's run counts as a
 * memory hit), {@code mlsys_cache_misses_total{model}} (the model ran), {@code
 * mlsys_cache_evictions_total{model, cause}} (cause {@code size} or {@code expired}), {@code
 * mlsys_cache_redis_errors_total{model}} and {@code mlsys_cache_redis_skipped_total{model}} (calls
 * that did not ask Redis: breaker open or not connected yet), {@code
 * mlsys_cache_invalidations_total{model, reason}} (times the in-process entries were emptied:
 * {@code reload} when the served version changed here, {@code api} by the invalidation API, {@code
 * remote} told by another server over Redis, {@code resubscribed} when this server subscribed to
 * its Redis's invalidation channel again and may have missed messages). Shared by every version of
 * the model, so the counts run on across reloads.
 */
final class CacheMeters {
  private final Counter memoryHits;
  private final Counter redisHits;
  private final Counter misses;
  private final Counter sizeEvictions;
  private final Counter expiredEvictions;
  private final Counter redisErrors;
  private final Counter redisSkipped;
  private final MeterRegistry registry;
  private final String model;

  CacheMeters(MeterRegistry registry, String model) {
    this.registry = registry;
    this.model = model;
    this.memoryHits = hits(registry, model, "memory");
    this.redisHits = hits(registry, model, "redis");
    this.misses =
        Counter.builder("mlsys.cache.misses")
            .description("Calls the prediction cache could not answer (the model ran)")
            .tag("model", model)
            .register(registry);
    this.sizeEvictions = evictions(registry, model, "size");
    this.expiredEvictions = evictions(registry, model, "expired");
    this.redisErrors =
        Counter.builder("mlsys.cache.redis.errors")
            .description("Redis commands of the prediction cache that failed or timed out")
            .tag("model", model)
            .register(registry);
    this.redisSkipped =
        Counter.builder("mlsys.cache.redis.skipped")
            .description(
                "Prediction cache calls that did not ask Redis (breaker open, no connection)")
            .tag("model", model)
            .register(registry);
  }

  private static Counter hits(MeterRegistry registry, String model, String tier) {
    return Counter.builder("mlsys.cache.hits")
        .description("Calls answered by the prediction cache")
        .tag("model", model)
        .tag("tier", tier)
        .register(registry);
  }

  private static Counter evictions(MeterRegistry registry, String model, String cause) {
    return Counter.builder("mlsys.cache.evictions")
        .description("Answers dropped by the in-process prediction cache")
        .tag("model", model)
        .tag("cause", cause)
        .register(registry);
  }

  void memoryHit() {
    memoryHits.increment();
  }

  void redisHit() {
    redisHits.increment();
  }

  void miss() {
    misses.increment();
  }

  void evicted(boolean expired) {
    (expired ? expiredEvictions : sizeEvictions).increment();
  }

  void redisError() {
    redisErrors.increment();
  }

  void redisSkipped() {
    redisSkipped.increment();
  }

  /** Reasons for {@link #invalidated}. */
  enum Invalidation {
    RELOAD,
    API,
    REMOTE,
    RESUBSCRIBED
  }

  void invalidated(Invalidation reason) {
    Counter.builder("mlsys.cache.invalidations")
        .description("Times the prediction cache's in-process entries of a model were emptied")
        .tag("model", model)
        .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  /** Hits over hits and misses since the server started; NaN before the first call. */
  double hitRatio() {
    double hits = memoryHits.count() + redisHits.count();
    double total = hits + misses.count();
    return total == 0 ? Double.NaN : hits / total;
  }
}
