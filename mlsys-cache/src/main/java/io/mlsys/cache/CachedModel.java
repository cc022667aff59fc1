package io.mlsys.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Parameters;
import io.mlsys.core.Reservation;
import io.mlsys.core.spi.StaleAnswers;
import io.mlsys.redis.RedisBreaker;
import io.mlsys.redis.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model version behind its prediction cache. A call is answered, in order, by a fresh answer
 * kept in process, by an identical call already running (single-flight: its answer is shared), by a
 * fresh answer in Redis (then kept in process too), or by the model, whose answer is then kept in
 * both tiers. Answers from the cache carry {@code "cache": "hit"} in their parameters, those the
 * model just gave {@code "cache": "miss"}.
 *
 * <p>Entries are kept {@code max-stale} past their ttl for {@link StaleAnswers}; a normal call
 * never gets one. Errors are kept only with a {@code negative-ttl}, and only those that the same
 * request would meet again (invalid input, a model execution failure), never a deadline or a full
 * queue.
 */
final class CachedModel extends ForwardingModel {
  static final String PARAMETER = "cache";
  static final String HIT = "hit";
  static final String MISS = "miss";
  static final String STALE = "stale";

  private final String modelName;
  private final String modelVersion;
  private final PredictionCacheOptions options;
  private final Clock clock;
  private final CacheKeys keys;
  private final Cache<String, Kept> memory;
  private final ConcurrentMap<String, CompletableFuture<Kept>> inFlight = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger followers = new AtomicInteger();
  private final CacheMeters meters;
  private final RedisConnections.Connection redisConnection;
  private final RedisTier redis;
  private final PredictionCaches caches;
  private final StaleAnswers staleAnswers;
  private final StaleAnswers.Lookup lookup = this::findKept;

  /**
   * A kept answer ({@code stored}, without request id; {@code hit}, the same marked as a hit) or a
   * kept error, fresh until {@code freshUntil}, dropped at {@code keptUntil}.
   */
  record Kept(
      InferResponse stored,
      InferResponse hit,
      MlsysException error,
      Instant freshUntil,
      Instant keptUntil,
      int weight) {
    static Kept answer(InferResponse stored, Instant freshUntil, Instant keptUntil, int weight) {
      InferResponse hit =
          new InferResponse(
              stored.modelName(),
              stored.modelVersion(),
              null,
              stored.outputs(),
              Parameters.withAdded(stored.parameters(), PARAMETER, HIT));
      return new Kept(stored, hit, null, freshUntil, keptUntil, weight);
    }

    static Kept error(MlsysException error, Instant until) {
      return new Kept(null, null, error, until, until, 64);
    }

    InferResponse answer(InferRequest request) {
      if (error != null) {
        throw error;
      }
      return hit.withId(request.id());
    }
  }

  CachedModel(
      Model model,
      PredictionCacheOptions options,
      String modelName,
      String modelVersion,
      Clock clock,
      PredictionCaches caches,
      StaleAnswers staleAnswers,
      RedisConnections.Connection redisConnection) {
    super(model);
    this.modelName = modelName;
    this.modelVersion = modelVersion;
    this.options = options;
    this.clock = clock;
    this.keys = new CacheKeys(modelName, modelVersion, fingerprint(model), options.keyParameters());
    this.meters = caches.meters(modelName);
    this.caches = caches;
    this.staleAnswers = staleAnswers;
    this.redisConnection = redisConnection;
    this.redis =
        redisConnection == null
            ? null
            : new RedisTier(
                redisConnection,
                modelName,
                modelVersion,
                options.redisTimeout(),
                new RedisBreaker(clock, options.redisFailureThreshold(), options.redisOpenPeriod()),
                meters);
    this.memory = memory(options);
    caches.register(modelName, this);
    staleAnswers.register(modelName, lookup);
    if (redisConnection != null) {
      // Starts connecting now, so the first calls find the connection open.
      redisConnection.commands();
    }
  }

  private static String fingerprint(Model model) {
    ModelMetadata metadata = model.metadata();
    return new TreeMap<>(metadata.labels()) + "|" + new TreeMap<>(metadata.properties());
  }

  private Cache<String, Kept> memory(PredictionCacheOptions options) {
    Caffeine<String, Kept> builder =
        Caffeine.newBuilder()
            .ticker(this::nanoTime)
            // Removals are counted on the calling thread: no pool, and tests see them at once.
            .executor(Runnable::run)
            .<String, Kept>removalListener(
                (String key, Kept kept, RemovalCause cause) -> {
                  if (kept != null) {
                    bytes.addAndGet(-kept.weight());
                  }
                  if (cause == RemovalCause.SIZE) {
                    meters.evicted(false);
                  } else if (cause == RemovalCause.EXPIRED) {
                    meters.evicted(true);
                  }
                });
    Caffeine<String, Kept> typed =
        builder.expireAfter(
            new Expiry<String, Kept>() {
              @Override
              public long expireAfterCreate(String key, Kept kept, long currentTime) {
                return Math.max(0, kept.keptUntil().toEpochMilli() - clock.millis()) * 1_000_000;
              }

              @Override
              public long expireAfterUpdate(
                  String key, Kept kept, long currentTime, long currentDuration) {
                return expireAfterCreate(key, kept, currentTime);
              }

              @Override
              public long expireAfterRead(
                  String key, Kept kept, long currentTime, long currentDuration) {
                return currentDuration;
              }
            });
    long entryBound = options.entryBound();
    if (entryBound > 0) {
      typed.maximumSize(entryBound);
    } else {
      typed.maximumWeight(options.maxBytes()).weigher((String key, Kept kept) -> kept.weight());
    }
    return typed.build();
  }

  private long nanoTime() {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * Holds nothing: a hit is answered without the model, so the limits behind the cache must not
   * refuse a call before its request (its key) is known.
   */
  @Override
  public void reserve(Reservation reservation, CallContext context) {}

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    String key = keys.of(request);
    Kept kept = fresh(key);
    if (kept != null) {
      meters.memoryHit();
      return kept.answer(request);
    }
    CompletableFuture<Kept> mine = new CompletableFuture<>();
    CompletableFuture<Kept> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return follow(running, request, context);
    }
    try {
      return lead(key, request, context, mine);
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  private Kept fresh(String key) {
    Kept kept = memory.getIfPresent(key);
    return kept != null && clock.instant().isBefore(kept.freshUntil()) ? kept : null;
  }

  private InferResponse lead(
      String key, InferRequest request, CallContext context, CompletableFuture<Kept> mine) {
    // A leader that finished between our look and our claim left its answer in memory.
    Kept kept = fresh(key);
    if (kept != null) {
      meters.memoryHit();
      mine.complete(kept);
      return kept.answer(request);
    }
    if (redis != null) {
      kept = fromRedis(key);
      if (kept != null && clock.instant().isBefore(kept.freshUntil())) {
        put(key, kept);
        meters.redisHit();
        mine.complete(kept);
        return kept.answer(request);
      }
    }
    meters.miss();
    InferResponse response;
    try {
      response = delegate().infer(request, context);
    } catch (MlsysException e) {
      if (!options.negativeTtl().isZero() && sameForSameRequest(e)) {
        put(key, Kept.error(e, clock.instant().plus(options.negativeTtl())));
      }
      throw e;
    }
    Instant freshUntil = clock.instant().plus(options.ttl());
    InferResponse stored =
        new InferResponse(
            response.modelName(),
            response.modelVersion(),
            null,
            response.outputs(),
            response.parameters());
    kept =
        Kept.answer(
            stored, freshUntil, freshUntil.plus(options.maxStale()), AnswerCodec.size(stored));
    // A fallback's answer (a stale entry, a cheaper model, a default) is not the model's: kept, it
    // would be served as fresh and, served stale again, would outlive max-stale for ever.
    if (!Parameters.isDegraded(response.parameters())) {
      put(key, kept);
      if (redis != null) {
        redis.set(key, AnswerCodec.encode(stored, freshUntil), options.retention());
      }
    }
    mine.complete(kept);
    return new InferResponse(
        response.modelName(),
        response.modelVersion(),
        response.id(),
        response.outputs(),
        Parameters.withAdded(response.parameters(), PARAMETER, MISS));
  }

  private InferResponse follow(
      CompletableFuture<Kept> running, InferRequest request, CallContext context) {
    Kept kept;
    followers.incrementAndGet();
    try {
      Optional<Duration> remaining = context.remaining();
      kept =
          remaining.isPresent()
              ? running.get(remaining.get().toNanos(), TimeUnit.NANOSECONDS)
              : running.get();
    } catch (TimeoutException e) {
      throw new DeadlineExceededException(
          "prediction cache of " + modelName + " (waiting for an identical call)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeadlineExceededException(
          "prediction cache of "
              + modelName
              + " (interrupted while waiting for an identical call)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MlsysException error && sameForSameRequest(error)) {
        throw error;
      }
      // The leader's own limits (its deadline, a full queue) say nothing about this call.
      meters.miss();
      return delegate().infer(request, context);
    } finally {
      followers.decrementAndGet();
    }
    meters.memoryHit();
    return kept.answer(request);
  }

  /** Errors the same request meets again: worth sharing with followers and keeping. */
  private static boolean sameForSameRequest(MlsysException error) {
    return error instanceof InvalidInputException || error instanceof ModelExecutionException;
  }

  private void put(String key, Kept kept) {
    bytes.addAndGet(kept.weight());
    memory.put(key, kept);
  }

  private Kept fromRedis(String key) {
    byte[] stored = redis.get(key);
    if (stored == null) {
      return null;
    }
    AnswerCodec.Entry entry = AnswerCodec.decode(stored);
    if (entry == null) {
      return null;
    }
    return Kept.answer(
        entry.response(),
        entry.freshUntil(),
        entry.freshUntil().plus(options.maxStale()),
        stored.length);
  }

  /** The {@link StaleAnswers.Lookup} of this version: fresh or kept answers, never errors. */
  private Optional<InferResponse> findKept(InferRequest request, Duration maxStaleness) {
    String key = keys.of(request);
    Kept kept = memory.getIfPresent(key);
    if ((kept == null || kept.error() != null) && redis != null) {
      kept = fromRedis(key);
    }
    if (kept == null || kept.error() != null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (now.isAfter(kept.freshUntil().plus(maxStaleness))) {
      return Optional.empty();
    }
    InferResponse stored = kept.stored();
    return Optional.of(
        new InferResponse(
            stored.modelName(),
            stored.modelVersion(),
            request.id(),
            stored.outputs(),
            Parameters.withAdded(
                stored.parameters(), PARAMETER, now.isBefore(kept.freshUntil()) ? HIT : STALE)));
  }

  long entries() {
    memory.cleanUp();
    return memory.estimatedSize();
  }

  /** Calls now waiting for an identical call's answer. */
  int followers() {
    return followers.get();
  }

  long bytes() {
    return bytes.get();
  }

  String version() {
    return modelVersion;
  }

  RedisConnections.Connection redis() {
    return redisConnection;
  }

  RedisTier redisTier() {
    return redis;
  }

  /** Drops every in-process entry; returns how many there were. */
  long invalidateMemory() {
    long count = memory.estimatedSize();
    memory.invalidateAll();
    memory.cleanUp();
    return count;
  }

  @Override
  public void close() {
    staleAnswers.unregister(modelName, lookup);
    caches.unregister(modelName, this);
    invalidateMemory();
    super.close();
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
