package io.mlsys.features;

import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mlsys.redis.RedisBreaker;
import io.mlsys.redis.RedisConnections;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shared tier: feature rows in Redis under {@code <namespace><id>}, binary values, each with
 * its own expiry, on the server's connection to that Redis ({@link RedisConnections}, shared with
 * the prediction cache and every other store naming it), one MGET per batch. Redis down or slow
 * costs a call at most {@code redis-timeout} and then nothing for {@value #RETRY_PAUSE_MS} ms: a
 * {@link RedisBreaker} opens at the first failure, the tier is skipped (the source answers) and
 * tried again after the pause, so serving goes on without it and uses it again when it is back.
 * Thread-safe.
 */
final class RedisFeatureTier {
  static final long RETRY_PAUSE_MS = 1000;

  private static final System.Logger LOG = System.getLogger(RedisFeatureTier.class.getName());

  private final RedisConnections.Connection redis;
  private final Duration timeout;
  private final RedisBreaker breaker;
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean reportedDown;

  RedisFeatureTier(RedisConnections.Connection redis, Duration timeout, Clock clock) {
    this.redis = redis;
    this.timeout = timeout;
    this.breaker = new RedisBreaker(clock, 1, Duration.ofMillis(RETRY_PAUSE_MS));
    // Starts connecting now, in the background: the first calls need not find it closed.
    redis.commands();
  }

  /** The Redis server, as messages name it. */
  String describe() {
    return "redis " + redis.redactedUri();
  }

  /** How many reads and writes failed (timeouts, connection errors). */
  long failures() {
    return failures.get();
  }

  /**
   * The rows Redis has of {@code keys}; empty when Redis is down, slow or paused after a failure.
   */
  Map<String, FeatureRow> get(List<String> keys, int features) {
    RedisAsyncCommands<String, byte[]> commands = commands();
    if (commands == null || keys.isEmpty()) {
      return Map.of();
    }
    try {
      List<KeyValue<String, byte[]>> values =
          commands.mget(keys.toArray(String[]::new)).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      Map<String, FeatureRow> rows = new HashMap<>(values.size() * 2);
      for (KeyValue<String, byte[]> value : values) {
        if (value.hasValue()) {
          FeatureRow row = FeatureRow.decode(value.getValue(), features);
          if (row != null) {
            rows.put(value.getKey(), row);
          }
        }
      }
      succeeded();
      return rows;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      failed(e);
      return Map.of();
    }
  }

  /**
   * Stores rows, each with its time to live; does not wait for Redis (the writes are pipelined on
   * the connection) unless {@code await}, for the warm-up, which then waits up to {@code
   * awaitTimeout} and says how many were stored.
   */
  int put(
      Map<String, FeatureRow> rows,
      Map<String, Duration> ttls,
      boolean await,
      Duration awaitTimeout) {
    RedisAsyncCommands<String, byte[]> commands = commands();
    if (commands == null || rows.isEmpty()) {
      return 0;
    }
    List<RedisFuture<String>> futures = new ArrayList<>(rows.size());
    try {
      for (Map.Entry<String, FeatureRow> entry : rows.entrySet()) {
        Duration ttl = ttls.get(entry.getKey());
        if (ttl == null || ttl.toMillis() <= 0) {
          continue;
        }
        futures.add(
            commands.set(
                entry.getKey(), entry.getValue().encode(), SetArgs.Builder.px(ttl.toMillis())));
      }
    } catch (RuntimeException e) {
      failed(e);
      return 0;
    }
    if (!await) {
      return futures.size();
    }
    int stored = 0;
    long deadline = System.nanoTime() + awaitTimeout.toNanos();
    for (RedisFuture<String> future : futures) {
      try {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        stored++;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return stored;
      } catch (ExecutionException | TimeoutException e) {
        failed(e);
        return stored;
      }
    }
    return stored;
  }

  /**
   * The connection's commands, or null while the breaker is open or there is no connection (one is
   * then being made in the background: no call waits for a connect).
   */
  private RedisAsyncCommands<String, byte[]> commands() {
    if (!breaker.allow()) {
      return null;
    }
    RedisAsyncCommands<String, byte[]> commands = redis.commands();
    if (commands == null && !redis.isConnecting()) {
      failed(new IllegalStateException("not connected"));
    }
    return commands;
  }

  /**
   * Waits up to {@code timeout} for a connection, trying again after failed attempts whatever the
   * breaker says (the warm-up, which has time): whether there is one.
   */
  boolean awaitConnection(Duration timeout) {
    if (redis.awaitCommands(timeout) == null) {
      return false;
    }
    breaker.success();
    return true;
  }

  private void succeeded() {
    breaker.success();
    if (reportedDown) {
      reportedDown = false;
      LOG.log(System.Logger.Level.INFO, describe() + ": the feature cache's shared tier is back");
    }
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    breaker.failure();
    if (!reportedDown) {
      reportedDown = true;
      LOG.log(
          System.Logger.Level.WARNING,
          describe()
              + ": the feature cache's shared tier is skipped (retried every "
              + RETRY_PAUSE_MS
              + " ms): "
              + e
              + (e.getCause() == null ? "" : " (" + e.getCause() + ")"));
    }
  }
}
