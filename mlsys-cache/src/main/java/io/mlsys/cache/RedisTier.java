package io.mlsys.cache;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.redis.RedisBreaker;
import io.mlsys.redis.RedisConnections;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One cache's shared tier: entries in Redis under {@code mlsys:cache:<model>:<version>:<key>},
 * binary values ({@link AnswerCodec}) with their lifetime in {@code SET ... PX}. Every call is
 * bounded by {@code redis-timeout} and goes through a {@link RedisBreaker}; a failure is a miss (or
 * a dropped write), never a failed prediction.
 */
final class RedisTier {
  static final String PREFIX = "mlsys:cache:";

  /** How long an invalidation waits for each batch of keys. */
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

  static final int SCAN_BATCH = 500;

  private final RedisConnections.Connection redis;
  private final String keyPrefix;
  private final long timeoutNanos;
  private final RedisBreaker breaker;
  private final CacheMeters meters;
  // A reload of this version: its old entries are being deleted; until that succeeds this tier
  // neither reads nor writes (the entries are the old bytes' answers). Null when not fenced.
  private final AtomicReference<CompletableFuture<Long>> fence = new AtomicReference<>();
  // Replaced by a reload of the same version: writes would outlive the deletion of its entries.
  private volatile boolean superseded;

  RedisTier(
      RedisConnections.Connection redis,
      String modelName,
      String modelVersion,
      Duration timeout,
      RedisBreaker breaker,
      CacheMeters meters) {
    this.redis = redis;
    this.keyPrefix = modelPrefix(modelName) + (modelVersion == null ? "-" : modelVersion) + ":";
    this.timeoutNanos = timeout.toNanos();
    this.breaker = breaker;
    this.meters = meters;
  }

  static String modelPrefix(String modelName) {
    return PREFIX + modelName + ":";
  }

  /** The stored bytes of {@code key}; null on a miss, and when Redis cannot answer in time. */
  byte[] get(String key) {
    RedisAsyncCommands<String, byte[]> commands = commands();
    if (commands == null) {
      return null;
    }
    try {
      byte[] value = commands.get(keyPrefix + key).get(timeoutNanos, TimeUnit.NANOSECONDS);
      breaker.success();
      return value;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      failed();
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Stores {@code value} under {@code key} for {@code lifetime}, without waiting for Redis. */
  void set(String key, byte[] value, Duration lifetime) {
    RedisAsyncCommands<String, byte[]> commands = commands();
    if (commands == null) {
      return;
    }
    try {
      commands
          .set(keyPrefix + key, value, SetArgs.Builder.px(Math.max(1, lifetime.toMillis())))
          .whenComplete(
              (ok, failure) -> {
                if (failure == null) {
                  breaker.success();
                } else {
                  failed();
                }
              });
    } catch (RuntimeException e) {
      failed();
    }
  }

  /**
   * This version was reloaded (same version, maybe new bytes): its entries in Redis are deleted in
   * the background, and this tier is skipped until that has succeeded (tried again at the next call
   * after a failure), so the reloaded model never answers from the old model's entries.
   */
  void fenceUntilVersionDeleted() {
    fence.set(deleteVersion());
  }

  /** A reload of the same version replaced this tier's model: it writes no more. */
  void supersede() {
    superseded = true;
  }

  private CompletableFuture<Long> deleteVersion() {
    RedisAsyncCommands<String, byte[]> commands = redis.commands();
    if (commands == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("not connected to redis " + redis.redactedUri()));
    }
    return deleteMatching(commands, globEscaped(keyPrefix) + "*", ScanCursor.INITIAL, 0);
  }

  private static CompletableFuture<Long> deleteMatching(
      RedisAsyncCommands<String, byte[]> commands, String pattern, ScanCursor cursor, long done) {
    return commands
        .scan(cursor, ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH))
        .toCompletableFuture()
        .thenCompose(
            page -> {
              CompletableFuture<Long> deleted =
                  page.getKeys().isEmpty()
                      ? CompletableFuture.completedFuture(0L)
                      : commands
                          .unlink(page.getKeys().toArray(String[]::new))
                          .toCompletableFuture();
              return deleted.thenCompose(
                  count ->
                      page.isFinished()
                          ? CompletableFuture.completedFuture(done + count)
                          : deleteMatching(commands, pattern, page, done + count));
            });
  }

  /** Whether the fence (if any) is down; starts another deletion after a failed one. */
  private boolean unfenced() {
    CompletableFuture<Long> pending = fence.get();
    if (pending == null) {
      return true;
    }
    if (!pending.isDone()) {
      return false;
    }
    if (!pending.isCompletedExceptionally()) {
      fence.compareAndSet(pending, null);
      return true;
    }
    fence.compareAndSet(pending, deleteVersion());
    return false;
  }

  private RedisAsyncCommands<String, byte[]> commands() {
    if (superseded || !unfenced()) {
      meters.redisSkipped();
      return null;
    }
    if (!breaker.allow()) {
      meters.redisSkipped();
      return null;
    }
    RedisAsyncCommands<String, byte[]> commands = redis.commands();
    if (commands == null) {
      if (!redis.isConnecting()) {
        failed();
      } else {
        meters.redisSkipped();
      }
    }
    return commands;
  }

  private void failed() {
    breaker.failure();
    meters.redisError();
  }

  RedisBreaker breaker() {
    return breaker;
  }

  /**
   * Deletes every entry of {@code modelName} (all versions) from {@code redis}: SCAN by prefix,
   * UNLINK in batches.
   *
   * @return how many keys were deleted
   * @throws UpstreamFailureException when Redis is unreachable or fails
   */
  static long invalidate(RedisConnections.Connection redis, String modelName) {
    RedisAsyncCommands<String, byte[]> commands = redis.awaitCommands(ADMIN_TIMEOUT);
    if (commands == null) {
      throw new UpstreamFailureException(
          "redis " + redis.redactedUri(), "not connected; its entries were not deleted", null);
    }
    String pattern = globEscaped(modelPrefix(modelName)) + "*";
    ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
    long deleted = 0;
    try {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page =
            commands.scan(cursor, args).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!page.getKeys().isEmpty()) {
          deleted +=
              commands
                  .unlink(page.getKeys().toArray(String[]::new))
                  .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        cursor = page;
      } while (!cursor.isFinished());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      throw new UpstreamFailureException(
          "redis " + redis.redactedUri(),
          "deleting the entries failed after " + deleted + " keys: " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UpstreamFailureException("redis " + redis.redactedUri(), "interrupted", e);
    }
    return deleted;
  }

  private static String globEscaped(String text) {
    StringBuilder escaped = new StringBuilder(text.length() + 4);
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }
}
