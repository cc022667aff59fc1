package io.mlsys.queue.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.ErrorMessages;
import io.mlsys.queue.JobQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Delivers jobs through a Redis stream read by one consumer group: each entry goes to one consumer;
 * an entry that stays unacknowledged for longer than the lease (its worker died, or hangs) is
 * claimed by another consumer ({@code XAUTOCLAIM}); an acknowledged entry is deleted, so the stream
 * holds only the jobs not yet done. Retries wait in a sorted set scored by their due time, moved
 * into the stream by a script when due.
 *
 * <p>Both keys share a hash tag ({@code {<stream>}} and {@code {<stream>}:delayed}), so the scripts
 * that touch both also run on a Redis Cluster.
 *
 * <p>Redis is a delivery channel only: a Redis that restarts without persistence forgets the jobs
 * it held, and the jobs core republishes, from the store, the jobs that stay queued or whose lease
 * ran out.
 *
 * <p>Blocking reads hold a connection for their whole wait, so each receiving thread borrows a
 * connection of its own; everything else shares one multiplexed connection.
 */
public final class RedisStreamsJobQueue implements JobQueue {
  /** The longest one {@code XREADGROUP ... BLOCK} waits; a longer receive waits in rounds. */
  static final Duration MAX_BLOCK = Duration.ofSeconds(1);

  /** How long any command may take beyond its own blocking time before Redis counts as down. */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(3);

  /** How often one process looks for due retries and for entries whose worker went away. */
  static final Duration MAINTENANCE_INTERVAL = Duration.ofMillis(100);

  /** Retries moved into the stream per script call: bounded work inside Redis's single thread. */
  static final int PROMOTE_BATCH = 100;

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final String JOB = "job";
  private static final String MODEL = "model";

  // KEYS[1] delayed set, KEYS[2] stream; ARGV[1] now (epoch ms), ARGV[2] batch size.
  private static final String PROMOTE_DUE =
      """
      local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
      for _, member in ipairs(due) do
        local cut = string.find(member, '\\n', 1, true)
        redis.call('XADD', KEYS[2], '*', 'job', string.sub(member, 1, cut - 1),
                   'model', string.sub(member, cut + 1))
        redis.call('ZREM', KEYS[1], member)
      end
      return #due
      """;

  // KEYS[1] stream; ARGV[1] group, ARGV[2] entry id.
  private static final String ACK =
      """
      redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
      return redis.call('XDEL', KEYS[1], ARGV[2])
      """;

  // KEYS[1] stream, KEYS[2] delayed set; ARGV[1] group, ARGV[2] entry id, ARGV[3] due (epoch
  // ms), ARGV[4] member. One script, so the job is never both pending and waiting, nor neither.
  private static final String RETRY =
      """
      redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
      redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
      return redis.call('XDEL', KEYS[1], ARGV[2])
      """;

  private final String description;
  private final String streamKey;
  private final String delayedKey;
  private final String group;
  private final Consumer<String> consumer;
  private final Duration lease;
  private final Clock clock;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final ConcurrentLinkedQueue<StatefulRedisConnection<String, String>> idleReaders =
      new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<StatefulRedisConnection<String, String>> allReaders =
      new ConcurrentLinkedQueue<>();
  private final AtomicLong nextMaintenance = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile StatefulRedisConnection<String, String> shared;
  private volatile boolean groupReady;

  /**
   * @param uri the Redis server ({@code redis://host:port}, credentials allowed; never logged)
   * @param stream the stream's name; the keys are {@code {stream}} and {@code {stream}:delayed}
   * @param group the consumer group every worker of this queue joins
   * @param consumerName this process's name in the group (unique per process: host and pid)
   * @param lease how long a delivery may stay unacknowledged before another worker may claim it
   */
  public RedisStreamsJobQueue(
      String uri, String stream, String group, String consumerName, Duration lease, Clock clock) {
    Objects.requireNonNull(uri, "uri");
    this.uri = RedisURI.create(uri);
    this.streamKey = "{" + Objects.requireNonNull(stream, "stream") + "}";
    this.delayedKey = streamKey + ":delayed";
    this.group = Objects.requireNonNull(group, "group");
    this.consumer = Consumer.from(group, Objects.requireNonNull(consumerName, "consumerName"));
    this.lease = Objects.requireNonNull(lease, "lease");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("lease: " + lease + " (expected a positive duration)");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.description =
        "redis job queue '" + stream + "' at " + this.uri.getHost() + ":" + this.uri.getPort();
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(MAX_BLOCK.plus(COMMAND_TIMEOUT)))
            .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(1)).build())
            .build());
  }

  @Override
  public String backend() {
    return "redis";
  }

  @Override
  public void publish(String jobId, String model, Instant notBefore) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(model, "model");
    if (jobId.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("jobId: contains a line break");
    }
    ensureGroup();
    if (notBefore.isAfter(clock.instant())) {
      awaitOrUnavailable(
          shared()
              .async()
              .zadd(delayedKey, (double) notBefore.toEpochMilli(), jobId + "\n" + model),
          "publish");
    } else {
      awaitOrUnavailable(
          shared().async().xadd(streamKey, Map.of(JOB, jobId, MODEL, model)), "publish");
    }
  }

  @Override
  public Optional<Delivery> receive(Duration wait) throws InterruptedException {
    Instant giveUp = clock.instant().plus(wait);
    ensureGroup();
    while (true) {
      Optional<Delivery> claimed = maintain();
      if (claimed.isPresent()) {
        return claimed;
      }
      Duration left = Duration.between(clock.instant(), giveUp);
      Duration block = left.compareTo(MAX_BLOCK) > 0 ? MAX_BLOCK : left;
      Optional<Delivery> read = readNew(block.isNegative() ? Duration.ZERO : block);
      if (read.isPresent() || !clock.instant().isBefore(giveUp)) {
        return read;
      }
    }
  }

  /**
   * At most once per {@link #MAINTENANCE_INTERVAL} per process: moves due retries into the stream
   * and claims one entry whose worker held it past the lease.
   */
  private Optional<Delivery> maintain() throws InterruptedException {
    long now = clock.millis();
    long due = nextMaintenance.get();
    if (now < due || !nextMaintenance.compareAndSet(due, now + MAINTENANCE_INTERVAL.toMillis())) {
      return Optional.empty();
    }
    await(
        shared()
            .async()
            .<Long>eval(
                PROMOTE_DUE,
                ScriptOutputType.INTEGER,
                new String[] {delayedKey, streamKey},
                Long.toString(now),
                Integer.toString(PROMOTE_BATCH)),
        "move due retries");
    ClaimedMessages<String, String> claimed =
        await(
            shared()
                .async()
                .xautoclaim(
                    streamKey, XAutoClaimArgs.Builder.xautoclaim(consumer, lease, "0-0").count(1)),
            "claim abandoned jobs");
    for (StreamMessage<String, String> message : claimed.getMessages()) {
      if (message.getBody() == null || message.getBody().get(JOB) == null) {
        continue; // deleted after it was read: nothing left to deliver
      }
      // Another claimable entry may wait behind this one: look again on the next receive.
      nextMaintenance.set(0);
      return Optional.of(new RedisDelivery(message, deliveryCount(message.getId())));
    }
    return Optional.empty();
  }

  private int deliveryCount(String entryId) throws InterruptedException {
    List<PendingMessage> pending =
        await(
            shared()
                .async()
                .xpending(streamKey, group, Range.create(entryId, entryId), Limit.from(1)),
            "read delivery count");
    return pending.isEmpty()
        ? 1
        : (int) Math.min(Integer.MAX_VALUE, pending.get(0).getRedeliveryCount());
  }

  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes its stream offsets as varargs
  private Optional<Delivery> readNew(Duration block) throws InterruptedException {
    StatefulRedisConnection<String, String> reader = borrowReader();
    boolean reusable = false;
    try {
      List<StreamMessage<String, String>> messages =
          await(
              reader
                  .async()
                  .xreadgroup(
                      consumer,
                      XReadArgs.Builder.count(1).block(Math.max(1, block.toMillis())),
                      XReadArgs.StreamOffset.lastConsumed(streamKey)),
              "receive");
      reusable = true;
      for (StreamMessage<String, String> message : messages) {
        if (message.getBody() != null && message.getBody().get(JOB) != null) {
          return Optional.of(new RedisDelivery(message, 1));
        }
      }
      return Optional.empty();
    } finally {
      if (reusable && !closed.get()) {
        idleReaders.add(reader);
      } else {
        // Interrupted or failed mid-wait: the connection may still hold a blocked read.
        allReaders.remove(reader);
        reader.closeAsync();
      }
    }
  }

  private StatefulRedisConnection<String, String> borrowReader() {
    StatefulRedisConnection<String, String> reader = idleReaders.poll();
    if (reader != null) {
      return reader;
    }
    reader = connect();
    allReaders.add(reader);
    return reader;
  }

  private StatefulRedisConnection<String, String> shared() {
    StatefulRedisConnection<String, String> connection = shared;
    if (connection == null) {
      synchronized (this) {
        if (shared == null) {
          shared = connect();
        }
        connection = shared;
      }
    }
    return connection;
  }

  private StatefulRedisConnection<String, String> connect() {
    if (closed.get()) {
      throw new IllegalStateException(description + " is closed");
    }
    try {
      return client.connect(uri);
    } catch (RuntimeException e) {
      throw unavailable("cannot connect: " + ErrorMessages.rootCause(e), e);
    }
  }

  /**
   * Creates the stream and the group when absent: at first use, and again after a Redis that keeps
   * nothing on disk restarted (its commands then fail with NOGROUP).
   */
  private void ensureGroup() {
    if (groupReady) {
      return;
    }
    try {
      awaitUninterruptibly(
          shared()
              .async()
              .xgroupCreate(
                  XReadArgs.StreamOffset.from(streamKey, "0-0"),
                  group,
                  XGroupCreateArgs.Builder.mkstream(true)));
    } catch (RedisBusyException alreadyThere) {
      // BUSYGROUP: another process created it first.
    }
    groupReady = true;
  }

  private <T> T awaitUninterruptibly(RedisFuture<T> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return await(future, "create consumer group");
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private <T> T await(RedisFuture<T> future, String operation) throws InterruptedException {
    try {
      return future.get(MAX_BLOCK.plus(COMMAND_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      throw e;
    } catch (TimeoutException e) {
      future.cancel(true);
      throw unavailable(operation + ": no answer within " + COMMAND_TIMEOUT.plus(MAX_BLOCK), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RedisBusyException busy) {
        throw busy;
      }
      if (cause instanceof RedisCommandExecutionException failed
          && String.valueOf(failed.getMessage()).startsWith("NOGROUP")) {
        groupReady = false;
        throw unavailable(operation + ": the stream or its group is gone (Redis restarted?)", e);
      }
      throw unavailable(operation + ": " + ErrorMessages.rootCause(cause), cause);
    }
  }

  /** {@link #await} for the operations the SPI does not let throw InterruptedException. */
  private void awaitOrUnavailable(RedisFuture<?> future, String operation) {
    try {
      await(future, operation);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(operation + ": interrupted", e);
    }
  }

  private DependencyUnavailableException unavailable(String problem, Throwable cause) {
    return new DependencyUnavailableException(description, problem, RETRY_AFTER, cause);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Unacknowledged entries stay pending in the group; another consumer claims them after the
    // lease, as it would after a crash.
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return description;
  }

  /** One stream entry delivered to this consumer. */
  private final class RedisDelivery implements Delivery {
    private final String entryId;
    private final String jobId;
    private final String model;
    private final int deliveryCount;

    RedisDelivery(StreamMessage<String, String> message, int deliveryCount) {
      this.entryId = message.getId();
      this.jobId = message.getBody().get(JOB);
      this.model = message.getBody().getOrDefault(MODEL, "");
      this.deliveryCount = Math.max(1, deliveryCount);
    }

    @Override
    public String jobId() {
      return jobId;
    }

    @Override
    public int deliveryCount() {
      return deliveryCount;
    }

    @Override
    public void ack() {
      awaitOrUnavailable(
          shared()
              .async()
              .eval(ACK, ScriptOutputType.INTEGER, new String[] {streamKey}, group, entryId),
          "acknowledge job " + jobId);
    }

    @Override
    public void retryAt(Instant notBefore) {
      awaitOrUnavailable(
          shared()
              .async()
              .eval(
                  RETRY,
                  ScriptOutputType.INTEGER,
                  new String[] {streamKey, delayedKey},
                  group,
                  entryId,
                  Long.toString(notBefore.toEpochMilli()),
                  jobId + "\n" + model),
          "schedule a retry of job " + jobId);
    }

    @Override
    public void extendLease(Duration extension) {
      // XCLAIM by its owner resets the entry's idle time: XAUTOCLAIM leaves it alone for a lease.
      awaitOrUnavailable(
          shared().async().xclaim(streamKey, consumer, XClaimArgs.Builder.justid(), entryId),
          "extend the lease of job " + jobId);
    }

    @Override
    public String toString() {
      return "job " + jobId + " (entry " + entryId + ", delivery " + deliveryCount + ")";
    }
  }
}
