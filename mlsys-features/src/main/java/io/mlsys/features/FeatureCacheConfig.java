package io.mlsys.features;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The cache in front of a feature source ({@code features.cache}): an in-process tier (Caffeine)
 * and, with {@code redis}, a shared tier under it that every server replica and the warm-up command
 * read and fill. An entry lives until its features would turn stale ({@code max-age} after the
 * row's timestamp), and at most {@code ttl}.
 *
 * @param maxEntries entities held in process; 0 turns the in-process tier off; null: {@value
 *     #DEFAULT_MAX_ENTRIES}
 * @param ttl the longest an entry lives in either tier; null: the node's {@code max-age}, or
 *     {@value #DEFAULT_TTL_SECONDS} s without one
 * @param missingTtl how long an unknown entity (and a row already stale) is remembered, so a burst
 *     of requests for it costs one query; 0: never; null: {@value #DEFAULT_MISSING_TTL_SECONDS} s
 * @param redis {@code redis://HOST:PORT[/DB]}: the shared tier; null: none
 * @param redisTimeout the longest a Redis read or write may take before the tier is skipped for the
 *     call; null: {@value #DEFAULT_REDIS_TIMEOUT_MS} ms
 * @param warmOnStart load the source's rows (at most {@code max-entries}) into the cache in the
 *     background when the store opens (server start, graph reload), so the first calls find them
 *     cached; what {@code mlsys features warm --all} does by hand; null: false
 */
public record FeatureCacheConfig(
    Integer maxEntries,
    Duration ttl,
    Duration missingTtl,
    String redis,
    Duration redisTimeout,
    Boolean warmOnStart) {
  public static final int DEFAULT_MAX_ENTRIES = 100_000;
  public static final long DEFAULT_TTL_SECONDS = 300;
  public static final long DEFAULT_MISSING_TTL_SECONDS = 10;
  public static final long DEFAULT_REDIS_TIMEOUT_MS = 100;
  public static final int MAX_ENTRIES_LIMIT = 100_000_000;

  /**
   * @throws ConfigException naming each bad key
   */
  public FeatureCacheConfig {
    maxEntries = Objects.requireNonNullElse(maxEntries, DEFAULT_MAX_ENTRIES);
    missingTtl =
        Objects.requireNonNullElse(missingTtl, Duration.ofSeconds(DEFAULT_MISSING_TTL_SECONDS));
    redisTimeout =
        Objects.requireNonNullElse(redisTimeout, Duration.ofMillis(DEFAULT_REDIS_TIMEOUT_MS));
    warmOnStart = Objects.requireNonNullElse(warmOnStart, Boolean.FALSE);
    Violations violations = new Violations();
    violations.check(
        maxEntries >= 0 && maxEntries <= MAX_ENTRIES_LIMIT,
        "max-entries",
        maxEntries,
        "an integer from 0 (no in-process tier) to " + MAX_ENTRIES_LIMIT);
    violations.check(
        ttl == null || (!ttl.isNegative() && !ttl.isZero()),
        "ttl",
        ttl,
        Durations.EXPECTED + ", > 0");
    violations.check(
        !missingTtl.isNegative(), "missing-ttl", missingTtl, Durations.EXPECTED + ", >= 0");
    if (redis != null) {
      violations.check(
          isRedisUrl(redis),
          "redis",
          redis,
          "a URL such as redis://127.0.0.1:6379 or rediss://...");
    }
    violations.check(
        !redisTimeout.isNegative() && !redisTimeout.isZero(),
        "redis-timeout",
        redisTimeout,
        Durations.EXPECTED + ", > 0");
    violations.throwIfAny(null);
  }

  /** Every default: an in-process tier only. */
  public static FeatureCacheConfig defaults() {
    return new FeatureCacheConfig(null, null, null, null, null, null);
  }

  public FeatureCacheConfig withMaxEntries(int entries) {
    return new FeatureCacheConfig(entries, ttl, missingTtl, redis, redisTimeout, warmOnStart);
  }

  public FeatureCacheConfig withTtl(Duration newTtl) {
    return new FeatureCacheConfig(maxEntries, newTtl, missingTtl, redis, redisTimeout, warmOnStart);
  }

  public FeatureCacheConfig withMissingTtl(Duration newMissingTtl) {
    return new FeatureCacheConfig(maxEntries, ttl, newMissingTtl, redis, redisTimeout, warmOnStart);
  }

  public FeatureCacheConfig withRedis(String url) {
    return new FeatureCacheConfig(maxEntries, ttl, missingTtl, url, redisTimeout, warmOnStart);
  }

  public FeatureCacheConfig withRedisTimeout(Duration timeout) {
    return new FeatureCacheConfig(maxEntries, ttl, missingTtl, redis, timeout, warmOnStart);
  }

  public FeatureCacheConfig withWarmOnStart(boolean warm) {
    return new FeatureCacheConfig(maxEntries, ttl, missingTtl, redis, redisTimeout, warm);
  }

  private static boolean isRedisUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("redis") || scheme.equals("rediss")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
