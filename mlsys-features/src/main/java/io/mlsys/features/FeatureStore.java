package io.mlsys.features;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.features.FeaturesOptions.EntityType;
import io.mlsys.redis.RedisConnections;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Feature vectors by entity id through two cache tiers: in process (Caffeine), then Redis when
 * configured, then the source, each batch of ids costing at most one MGET and one query. Every
 * entry lives until its row would turn stale ({@code max-age} after the row's timestamp) and at
 * most the cache's {@code ttl}; unknown ids are remembered for {@code missing-ttl}. Thread-safe;
 * one store serves every node of a generation with the same source, features and cache.
 */
public final class FeatureStore implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(FeatureStore.class.getName());

  /** The longest the warm-up on start may read the source. */
  static final Duration WARM_ON_START_TIMEOUT = Duration.ofMinutes(5);

  /** Where a vector came from. */
  public enum Tier {
    MEMORY,
    REDIS,
    SOURCE;

    /** The name in response parameters and log events: {@code memory}, {@code redis}, ... */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One entity's row and where it came from. */
  public record Served(FeatureRow row, Tier tier) {
    /** Whether the source has a row for the entity. */
    public boolean found() {
      return row.found();
    }
  }

  /** A cached row and the time it may live, fixed when it was stored. */
  private record Entry(FeatureRow row, long ttlNanos) {}

  private final FeaturesOptions options;
  private final Clock clock;
  private final JdbcFeatureSource source;
  private final Cache<String, Entry> memory;
  private final RedisFeatureTier redis;
  // Connections the store made itself (no server's to share): closed with it.
  private RedisConnections ownConnections;
  private final String namespace;
  private final Duration maxTtl;
  private final LongAdder memoryHits = new LongAdder();
  private final LongAdder redisHits = new LongAdder();
  private final LongAdder sourceReads = new LongAdder();
  private final LongAdder queries = new LongAdder();
  private final LongAdder joins = new LongAdder();
  private volatile Thread warming;
  private volatile boolean closed;
  // Ids being fetched now from Redis or the source, each by the one call that asked first.
  private final Map<String, CompletableFuture<Served>> inFlight = new ConcurrentHashMap<>();

  private FeatureStore(FeaturesOptions options, Clock clock, RedisConnections connections) {
    this.options = options;
    this.clock = clock;
    FeatureCacheConfig cache = options.cache();
    this.maxTtl =
        cache.ttl() != null
            ? cache.ttl()
            : options.maxAge() != null
                ? options.maxAge()
                : Duration.ofSeconds(FeatureCacheConfig.DEFAULT_TTL_SECONDS);
    this.namespace = namespace(options);
    this.source =
        new JdbcFeatureSource(options.source(), options.features(), options.entityType(), clock);
    this.memory =
        cache.maxEntries() == 0
            ? null
            : Caffeine.newBuilder()
                .maximumSize(cache.maxEntries())
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(
                    new Expiry<String, Entry>() {
                      @Override
                      public long expireAfterCreate(String key, Entry entry, long now) {
                        return entry.ttlNanos();
                      }

                      @Override
                      public long expireAfterUpdate(
                          String key, Entry entry, long now, long currentDuration) {
                        return entry.ttlNanos();
                      }

                      @Override
                      public long expireAfterRead(
                          String key, Entry entry, long now, long currentDuration) {
                        return currentDuration;
                      }
                    })
                .build();
    RedisFeatureTier tier = null;
    if (cache.redis() != null) {
      try {
        if (connections == null) {
          ownConnections = new RedisConnections();
          connections = ownConnections;
        }
        tier =
            new RedisFeatureTier(
                connections.connection(cache.redis()), cache.redisTimeout(), clock);
      } catch (RuntimeException e) {
        source.close();
        if (ownConnections != null) {
          ownConnections.close();
        }
        throw e;
      }
    }
    this.redis = tier;
  }

  /**
   * Opens a store for these options: the source's pool starts empty (a database down now is a 503
   * per call, not a failure here) and Redis is connected at the first use.
   */
  public static FeatureStore open(FeaturesOptions options, Clock clock) {
    return open(options, clock, null);
  }

  /**
   * Opens a store whose Redis tier uses the server's connection to its Redis ({@code connections},
   * which the store does not close); null: connections of its own, closed with it.
   */
  public static FeatureStore open(
      FeaturesOptions options, Clock clock, RedisConnections connections) {
    FeatureStore store = new FeatureStore(options, clock, connections);
    if (options.cache().warmOnStart()) {
      store.warmInBackground();
    }
    return store;
  }

  /**
   * {@code warm-on-start}: {@link #warmAll} on a virtual thread of its own, up to the in-process
   * tier's size (every row when only Redis caches). A failure is logged; calls go on meanwhile,
   * fetching what is not loaded yet.
   */
  private void warmInBackground() {
    long limit = options.cache().maxEntries() > 0 ? options.cache().maxEntries() : Long.MAX_VALUE;
    warming =
        Thread.ofVirtual()
            .name("mlsys-features-warm")
            .start(
                () -> {
                  try {
                    WarmResult result = warmAll(limit, WARM_ON_START_TIMEOUT);
                    LOG.log(
                        Level.INFO,
                        () ->
                            "features from "
                                + source.describe()
                                + ": "
                                + result.requested()
                                + " rows loaded into the cache on start");
                  } catch (RuntimeException e) {
                    if (!closed) {
                      LOG.log(
                          Level.WARNING,
                          "warming the features cache from "
                              + source.describe()
                              + " on start failed (calls fetch what they need): "
                              + e.getMessage());
                    }
                  }
                });
  }

  /** Waits for the warm-up on start to end (for tests); false when it is still running. */
  boolean awaitWarm(Duration timeout) throws InterruptedException {
    Thread thread = warming;
    return thread == null || thread.join(timeout);
  }

  /**
   * The Redis key prefix of this store: {@code mlsys:features:<16 hex>:}, a digest of what makes
   * two rows for one id differ (the source without credentials, the key, timestamp and feature
   * columns, the id type), so the servers and the warm-up command that share a config share keys,
   * and a changed feature list never reads an older list's entries.
   */
  static String namespace(FeaturesOptions options) {
    FeatureSourceConfig source = options.source();
    String identity =
        String.join(
            "\n",
            source.describe(),
            String.valueOf(source.table()),
            String.valueOf(source.query()),
            source.keyColumn(),
            String.valueOf(source.timestampColumn()),
            String.join(",", options.features()),
            options.entityType().name());
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return "mlsys:features:" + HexFormat.of().formatHex(digest, 0, 8) + ":";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The Redis key prefix. */
  public String namespace() {
    return namespace;
  }

  /** The source, as messages name it. */
  public String describeSource() {
    return source.describe();
  }

  /**
   * The rows of {@code ids} (canonical, duplicates allowed), in no particular order, one per
   * distinct id.
   *
   * @param budget the most the source query may take
   * @throws io.mlsys.core.DependencyUnavailableException when the source is needed and down
   */
  public Map<String, Served> get(List<String> ids, Duration budget) {
    Map<String, Served> served = new HashMap<>(ids.size() * 2);
    List<String> wanted = new ArrayList<>(ids.size());
    for (String id : new java.util.LinkedHashSet<>(ids)) {
      Entry entry = memory == null ? null : memory.getIfPresent(id);
      if (entry != null) {
        served.put(id, new Served(entry.row(), Tier.MEMORY));
        memoryHits.increment();
      } else {
        wanted.add(id);
      }
    }
    if (wanted.isEmpty()) {
      return served;
    }
    // Single flight: an id another call is fetching now is awaited, not fetched again.
    Map<String, CompletableFuture<Served>> owned = new LinkedHashMap<>();
    Map<String, CompletableFuture<Served>> joined = null;
    for (String id : wanted) {
      CompletableFuture<Served> mine = new CompletableFuture<>();
      CompletableFuture<Served> theirs = inFlight.putIfAbsent(id, mine);
      if (theirs == null) {
        owned.put(id, mine);
      } else {
        if (joined == null) {
          joined = new HashMap<>();
        }
        joined.put(id, theirs);
      }
    }
    if (!owned.isEmpty()) {
      // Owned ids are fetched and published before any joined one is awaited: two calls that
      // each wait for the other's ids never wait for each other forever.
      try {
        Map<String, Served> fetched = fetch(new ArrayList<>(owned.keySet()), budget);
        served.putAll(fetched);
        owned.forEach((id, future) -> future.complete(fetched.get(id)));
      } catch (RuntimeException | Error e) {
        owned.values().forEach(future -> future.completeExceptionally(e));
        throw e;
      } finally {
        owned.forEach(inFlight::remove);
      }
    }
    if (joined != null) {
      joins.add(joined.size());
      long deadline = System.nanoTime() + budget.toNanos();
      for (Map.Entry<String, CompletableFuture<Served>> entry : joined.entrySet()) {
        served.put(entry.getKey(), await(entry.getValue(), deadline));
      }
    }
    return served;
  }

  /** What another call fetching the same id got, waiting at most until {@code deadline}. */
  private Served await(CompletableFuture<Served> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      // The other call's failure is this one's: the same source, the same moment.
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new DependencyUnavailableException(
          source.describe(),
          "no answer in time (another call is fetching the same ids)",
          JdbcFeatureSource.RETRY_AFTER,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DependencyUnavailableException(
          source.describe(),
          "interrupted while waiting for the same ids",
          JdbcFeatureSource.RETRY_AFTER,
          e);
    }
  }

  /** The rows of {@code wanted} (not in memory) from Redis, then from the source. */
  private Map<String, Served> fetch(List<String> wanted, Duration budget) {
    Map<String, Served> served = new HashMap<>(wanted.size() * 2);
    if (redis != null) {
      List<String> keys = new ArrayList<>(wanted.size());
      for (String id : wanted) {
        keys.add(namespace + id);
      }
      Map<String, FeatureRow> shared = redis.get(keys, options.features().size());
      if (!shared.isEmpty()) {
        List<String> still = new ArrayList<>(wanted.size());
        for (String id : wanted) {
          FeatureRow row = shared.get(namespace + id);
          if (row == null) {
            still.add(id);
          } else {
            served.put(id, new Served(row, Tier.REDIS));
            redisHits.increment();
            remember(id, row, clock.instant());
          }
        }
        wanted = still;
      }
    }
    if (wanted.isEmpty()) {
      return served;
    }
    queries.increment();
    Map<String, FeatureRow> fetched = source.fetch(wanted, budget);
    sourceReads.add(fetched.size());
    store(fetched, false, Duration.ZERO);
    fetched.forEach((id, row) -> served.put(id, new Served(row, Tier.SOURCE)));
    return served;
  }

  /**
   * Loads these ids from the source into both tiers ahead of traffic.
   *
   * @return what was loaded
   */
  public WarmResult warm(List<String> ids, Duration timeout) {
    awaitShared(timeout);
    List<String> distinct = ids.stream().distinct().toList();
    long found = 0;
    long stored = 0;
    for (int from = 0; from < distinct.size(); from += JdbcFeatureSource.SQLITE_CHUNK) {
      List<String> chunk =
          distinct.subList(from, Math.min(distinct.size(), from + JdbcFeatureSource.SQLITE_CHUNK));
      Map<String, FeatureRow> rows = source.fetch(chunk, timeout);
      queries.increment();
      found += rows.values().stream().filter(FeatureRow::found).count();
      stored += store(rows, true, timeout);
    }
    return new WarmResult(distinct.size(), found, stored, redis != null);
  }

  /**
   * Loads every row of the source (up to {@code limit}) into both tiers ahead of traffic; the
   * in-process tier keeps at most its {@code max-entries}.
   */
  public WarmResult warmAll(long limit, Duration timeout) {
    awaitShared(timeout);
    Map<String, FeatureRow> batch = new LinkedHashMap<>();
    long[] stored = {0};
    long rows =
        source.scan(
            limit,
            timeout,
            (id, row) -> {
              batch.put(id, row);
              if (batch.size() >= JdbcFeatureSource.SQLITE_CHUNK) {
                stored[0] += store(batch, true, timeout);
                batch.clear();
              }
            });
    stored[0] += store(batch, true, timeout);
    queries.increment();
    return new WarmResult(rows, rows, stored[0], redis != null);
  }

  /**
   * What a warm-up did.
   *
   * @param requested the ids asked for (every row read, for a full warm-up)
   * @param found those the source has
   * @param storedShared those written to Redis (0 without the shared tier)
   * @param shared whether there is a shared tier
   */
  public record WarmResult(long requested, long found, long storedShared, boolean shared) {}

  /**
   * Counters since the store opened: served from memory, from Redis, read from the source, source
   * queries, Redis failures, and ids that waited for another call's fetch of the same id (single
   * flight) instead of fetching it again.
   */
  public record Stats(
      long memoryHits,
      long redisHits,
      long sourceReads,
      long queries,
      long redisFailures,
      long singleFlightJoins) {}

  public Stats stats() {
    return new Stats(
        memoryHits.sum(),
        redisHits.sum(),
        sourceReads.sum(),
        queries.sum(),
        redis == null ? 0 : redis.failures(),
        joins.sum());
  }

  /** Waits up to {@code timeout} for the Redis tier's connection; whether there is one. */
  boolean awaitShared(Duration timeout) {
    return redis != null && redis.awaitConnection(timeout);
  }

  /** Drops every in-process entry (Redis keeps its own until they expire). */
  public void invalidateMemory() {
    if (memory != null) {
      memory.invalidateAll();
    }
  }

  private int store(Map<String, FeatureRow> rows, boolean await, Duration timeout) {
    if (rows.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Map<String, FeatureRow> shared = redis == null ? null : new HashMap<>(rows.size() * 2);
    Map<String, Duration> ttls = redis == null ? null : new HashMap<>(rows.size() * 2);
    for (Map.Entry<String, FeatureRow> entry : rows.entrySet()) {
      Duration ttl = remember(entry.getKey(), entry.getValue(), now);
      if (shared != null && ttl.toMillis() > 0) {
        shared.put(namespace + entry.getKey(), entry.getValue());
        ttls.put(namespace + entry.getKey(), ttl);
      }
    }
    return shared == null ? 0 : redis.put(shared, ttls, await, timeout);
  }

  /** Puts a row in the in-process tier for its time to live; returns that time. */
  private Duration remember(String id, FeatureRow row, Instant now) {
    Duration ttl = ttl(row, now);
    if (memory != null && ttl.toNanos() > 0) {
      memory.put(id, new Entry(row, ttl.toNanos()));
    }
    return ttl;
  }

  /**
   * How long a row may be served from cache: until it would turn stale, at most the cache's ttl; an
   * absent or already stale row for {@code missing-ttl} (the source may have it soon).
   */
  Duration ttl(FeatureRow row, Instant now) {
    if (!row.found()) {
      return options.cache().missingTtl();
    }
    if (options.maxAge() != null && row.eventTimeMillis() != FeatureRow.NO_TIME) {
      long freshMillis = row.eventTimeMillis() + options.maxAge().toMillis() - now.toEpochMilli();
      if (freshMillis <= 0) {
        return options.cache().missingTtl();
      }
      return Duration.ofMillis(Math.min(freshMillis, maxTtl.toMillis()));
    }
    return maxTtl;
  }

  EntityType entityType() {
    return options.entityType();
  }

  @Override
  public void close() {
    closed = true;
    Thread thread = warming;
    if (thread != null) {
      thread.interrupt();
    }
    try {
      if (ownConnections != null) {
        ownConnections.close();
      }
    } finally {
      source.close();
    }
  }
}
