package io.mlsys.cache;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.redis.RedisConnections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The server's prediction caches by model name, a {@link io.mlsys.core.spi.SharedResources} entry:
 * every loaded version's cache registers here while it serves, so the API can empty a model's
 * caches ({@link #invalidate}) and the gauges {@code mlsys_cache_entries{model}}, {@code
 * mlsys_cache_bytes{model}} and {@code mlsys_cache_hit_ratio{model}} sum the live versions.
 */
public final class PredictionCaches {
  private final MeterRegistry registry;
  private final Map<String, Set<CachedModel>> live = new ConcurrentHashMap<>();
  private final Map<String, CacheMeters> meters = new ConcurrentHashMap<>();
  private final Set<RedisConnections.Connection> subscribed = ConcurrentHashMap.newKeySet();

  /**
   * The Redis channel on which a server that empties a model's caches ({@link #invalidate}) tells
   * the other servers on that Redis, which then empty their in-process entries of the model. The
   * message is the model's name.
   */
  public static final String INVALIDATION_CHANNEL = "mlsys:cache:invalidate";

  public PredictionCaches(MeterRegistry registry) {
    this.registry = registry;
  }

  /** What {@link #invalidate} removed: in-process entries and Redis keys. */
  public record Invalidation(String model, long entries, long redisKeys) {}

  CacheMeters meters(String model) {
    return meters.computeIfAbsent(
        model,
        name -> {
          CacheMeters created = new CacheMeters(registry, name);
          Gauge.builder("mlsys.cache.entries", this, caches -> caches.sum(name, false))
              .description("Answers kept in process by the prediction cache")
              .tag("model", name)
              .register(registry);
          Gauge.builder("mlsys.cache.size", this, caches -> caches.sum(name, true))
              .description(
                  "Bytes of answers kept in process by the prediction cache (encoded size)")
              .baseUnit("bytes")
              .tag("model", name)
              .register(registry);
          Gauge.builder("mlsys.cache.hit.ratio", created, CacheMeters::hitRatio)
              .description("Prediction cache hits over hits and misses")
              .tag("model", name)
              .register(registry);
          return created;
        });
  }

  private double sum(String model, boolean bytes) {
    long total = 0;
    for (CachedModel cache : live.getOrDefault(model, Set.of())) {
      total += bytes ? cache.bytes() : cache.entries();
    }
    return total;
  }

  /**
   * A version's cache starts serving. When the model already had a cache here, the version the name
   * serves changed (a reload of the same version, a new version, a registry alias that moved): the
   * model's in-process entries are dropped, and the other servers on its Redis are told ({@link
   * #INVALIDATION_CHANNEL}) to drop theirs. A reload of the same version may bring new bytes under
   * the same key space, so that version's Redis entries are deleted too, and the new cache reads no
   * Redis entry until they are gone.
   */
  void register(String model, CachedModel cache) {
    Set<CachedModel> caches = live.computeIfAbsent(model, name -> new CopyOnWriteArraySet<>());
    List<CachedModel> before = List.copyOf(caches);
    caches.add(cache);
    RedisConnections.Connection redis = cache.redis();
    if (redis != null && subscribed.add(redis)) {
      redis.subscribe(INVALIDATION_CHANNEL, this::invalidatedElsewhere, () -> resubscribed(redis));
    }
    if (before.isEmpty()) {
      return;
    }
    boolean sameVersion = false;
    for (CachedModel old : before) {
      old.invalidateMemory();
      if (Objects.equals(old.version(), cache.version())) {
        sameVersion = true;
        if (old.redisTier() != null) {
          old.redisTier().supersede();
        }
      }
    }
    meters(model).invalidated(CacheMeters.Invalidation.RELOAD);
    if (redis != null) {
      if (sameVersion) {
        cache.redisTier().fenceUntilVersionDeleted();
      }
      redis.publish(INVALIDATION_CHANNEL, model);
    }
  }

  /**
   * A server on a shared Redis emptied {@code model}'s caches or changed the version it serves:
   * this server's in-process entries go too, so no replica answers from what was invalidated.
   */
  private void invalidatedElsewhere(String model) {
    Set<CachedModel> caches = live.getOrDefault(model, Set.of());
    for (CachedModel cache : caches) {
      cache.invalidateMemory();
    }
    if (!caches.isEmpty()) {
      meters(model).invalidated(CacheMeters.Invalidation.REMOTE);
    }
  }

  /**
   * This server (re)subscribed to {@code redis}'s invalidation channel: pub/sub is not durable, so
   * messages published while it was disconnected are lost. Every in-process entry of the models
   * whose cache uses that Redis is dropped instead (answers come from Redis or the model again).
   */
  private void resubscribed(RedisConnections.Connection redis) {
    for (Map.Entry<String, Set<CachedModel>> model : live.entrySet()) {
      boolean dropped = false;
      for (CachedModel cache : model.getValue()) {
        if (cache.redis() == redis) {
          cache.invalidateMemory();
          dropped = true;
        }
      }
      if (dropped) {
        meters(model.getKey()).invalidated(CacheMeters.Invalidation.RESUBSCRIBED);
      }
    }
  }

  void unregister(String model, CachedModel cache) {
    live.computeIfPresent(
        model,
        (name, caches) -> {
          caches.remove(cache);
          return caches.isEmpty() ? null : caches;
        });
  }

  /** Whether a loaded version of {@code model} has a prediction cache. */
  public boolean hasCache(String model) {
    return live.containsKey(model);
  }

  /**
   * Empties every loaded version's cache of {@code model}: the in-process entries, and the model's
   * keys (all versions) in each Redis its caches use, then tells the other servers on each of those
   * Redis ({@link #INVALIDATION_CHANNEL}) to empty their in-process entries of it.
   *
   * @throws ResourceNotFoundException when no loaded version of the model has a cache
   * @throws io.mlsys.core.UpstreamFailureException when a Redis tier could not be emptied (the
   *     in-process entries are gone by then)
   */
  public Invalidation invalidate(String model) {
    List<CachedModel> caches = List.copyOf(live.getOrDefault(model, Set.of()));
    if (caches.isEmpty()) {
      throw new ResourceNotFoundException(
          "model '"
              + model
              + "' has no prediction cache loaded (expected: a model with a cache"
              + " decorator)");
    }
    long entries = 0;
    for (CachedModel cache : caches) {
      entries += cache.invalidateMemory();
    }
    meters(model).invalidated(CacheMeters.Invalidation.API);
    long redisKeys = 0;
    Set<RedisConnections.Connection> done = new HashSet<>();
    for (CachedModel cache : caches) {
      RedisConnections.Connection redis = cache.redis();
      if (redis != null && done.add(redis)) {
        redisKeys += RedisTier.invalidate(redis, model);
      }
    }
    for (RedisConnections.Connection redis : done) {
      redis.publish(INVALIDATION_CHANNEL, model);
    }
    return new Invalidation(model, entries, redisKeys);
  }
}
