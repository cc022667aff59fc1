package io.mlsys.features;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
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
 * its own expiry. One multiplexed connection (Lettuce), one MGET per batch. Redis down or slow
 * costs a call at most {@code redis-timeout} and then nothing for {@value #RETRY_PAUSE_MS} ms: the
 * tier is skipped (the source answers) and tried again after the pause, so serving goes on without
 * it and uses it again when it is back. Thread-safe.
 */
final class RedisFeatureTier implements AutoCloseable {
  static final long RETRY_PAUSE_MS = 1000;

  /** Commands queued on the connection at most; past it a write is dropped, never waited for. */
  static final int REQUEST_QUEUE_SIZE = 16_384;

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Between connect attempts of {@link #awaitConnection}, so a refused connection is not a spin.
   */
  static final long AWAIT_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private static final System.Logger LOG = System.getLogger(RedisFeatureTier.class.getName());

  private final RedisClient client;
  private final String uriText;
  private final Duration timeout;
  private final Clock clock;
  private final RedisURI uri;
  private final java.util.concurrent.atomic.AtomicReference<
          java.util.concurrent.CompletableFuture<StatefulRedisConnection<String, byte[]>>>
      pending = new java.util.concurrent.atomic.AtomicReference<>();
  private final AtomicLong downUntil = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong failures = new AtomicLong();
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile boolean reportedDown;

  RedisFeatureTier(String url, Duration timeout, Clock clock) {
    this.uri = RedisURI.create(url);
    // The URI's timeout is Lettuce's own bound on the connection handshake and on every command;
    // a call waits only redis-timeout for its read (the future's get), so this one is generous:
    // under load a pipelined warm-up write or a handshake may take longer than one read may.
    uri.setTimeout(max(CONNECT_TIMEOUT, timeout));
    this.uriText = uri.getHost() + ":" + uri.getPort();
    this.timeout = timeout;
    this.clock = clock;
    this.client = RedisClient.create(uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // While disconnected, commands fail at once instead of queueing behind a reconnect.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(REQUEST_QUEUE_SIZE)
            // No command timeout of Lettuce's: a read waits redis-timeout (its future's get),
            // writes are not waited for by calls, and the warm-up waits for its own; what a
            // stuck server leaves queued is bounded by the request queue.
            // Connecting never holds up a call (it runs in the background), so it may take
            // longer than one read.
            .socketOptions(
                SocketOptions.builder().connectTimeout(max(CONNECT_TIMEOUT, timeout)).build())
            .build());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** The Redis server, as messages name it. */
  String describe() {
    return "redis " + uriText;
  }

  /** How many reads and writes failed (timeouts, connection errors). */
  long failures() {
    return failures.get();
  }

  /**
   * The rows Redis has of {@code keys}; empty when Redis is down, slow or paused after a failure.
   */
  Map<String, FeatureRow> get(List<String> keys, int features) {
    StatefulRedisConnection<String, byte[]> redis = connection();
    if (redis == null || keys.isEmpty()) {
      return Map.of();
    }
    try {
      List<KeyValue<String, byte[]>> values =
          redis
              .async()
              .mget(keys.toArray(String[]::new))
              .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
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
    StatefulRedisConnection<String, byte[]> redis = connection();
    if (redis == null || rows.isEmpty()) {
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
            redis
                .async()
                .set(
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
   * The connection, or null while there is none: the first call (and the first after a pause)
   * starts connecting in the background and skips the tier, so no call waits for a connect.
   */
  private StatefulRedisConnection<String, byte[]> connection() {
    StatefulRedisConnection<String, byte[]> current = connection;
    if (current != null) {
      return clock.millis() < downUntil.get() ? null : current;
    }
    if (clock.millis() < downUntil.get()) {
      return null;
    }
    java.util.concurrent.CompletableFuture<StatefulRedisConnection<String, byte[]>> attempt =
        new java.util.concurrent.CompletableFuture<>();
    if (pending.compareAndSet(null, attempt)) {
      client
          .connectAsync(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri)
          .whenComplete(
              (opened, error) -> {
                if (error == null) {
                  connection = opened;
                  succeeded();
                  attempt.complete(opened);
                } else {
                  failed(error instanceof Exception e ? e : new RuntimeException(error));
                  attempt.completeExceptionally(error);
                }
                pending.set(null);
              });
    }
    return null;
  }

  /**
   * Waits up to {@code timeout} for a connection, trying again after failed attempts whatever the
   * pause (the warm-up, which has time): whether there is one.
   */
  boolean awaitConnection(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (connection != null) {
        return true;
      }
      downUntil.set(Long.MIN_VALUE);
      connection();
      java.util.concurrent.CompletableFuture<StatefulRedisConnection<String, byte[]>> attempt =
          pending.get();
      long left = deadline - System.nanoTime();
      if (attempt != null && left > 0) {
        try {
          attempt.get(left, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return connection != null;
        } catch (ExecutionException | TimeoutException e) {
          // Tried again below while time is left.
        }
      }
      if (connection != null || deadline - System.nanoTime() <= AWAIT_RETRY_NANOS) {
        return connection != null;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(AWAIT_RETRY_NANOS);
    }
  }

  private void succeeded() {
    if (reportedDown) {
      reportedDown = false;
      LOG.log(System.Logger.Level.INFO, describe() + ": the feature cache's shared tier is back");
    }
  }

  private void failed(Exception e) {
    failures.incrementAndGet();
    downUntil.set(clock.millis() + RETRY_PAUSE_MS);
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

  @Override
  public void close() {
    StatefulRedisConnection<String, byte[]> current = connection;
    if (current != null) {
      current.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
