package io.mlsys.queue.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.ErrorMessages;
import io.mlsys.queue.JobQueue;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Delivers jobs through RabbitMQ: a durable quorum queue, persistent messages published with
 * confirms, consumed with manual acknowledgements. A worker that dies (its connection closes) gives
 * its unacknowledged jobs back to the queue at once; a job that comes back unacknowledged more than
 * {@code deliveryLimit} times (one that kills every worker that takes it) is dead-lettered into
 * {@code <queue>.dead} for an operator, and the jobs core finds it through the store.
 *
 * <p>Retries wait in delay queues without consumers, one per power-of-two delay from 250 ms ({@code
 * <queue>.delay.<ms>}, each with its own message TTL, so no long delay holds up a short one), and
 * are dead-lettered back into the main queue when they expire. A delay beyond the longest bucket
 * goes round again: every message carries its due time.
 *
 * <p>RabbitMQ has no lease: an unacknowledged delivery stays with its consumer until the connection
 * closes (or the broker's {@code consumer_timeout}, 30 minutes by default, ends it), so {@link
 * Delivery#extendLease} has nothing to do.
 */
public final class RabbitMqJobQueue implements JobQueue {
  /** The shortest retry delay bucket; the others double it. */
  static final Duration FIRST_DELAY = Duration.ofMillis(250);

  /** Delay buckets: 250 ms up to about 68 minutes. */
  static final int DELAY_BUCKETS = 15;

  /** How long a publish waits for the broker's confirm before it counts as failed. */
  static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

  /** Publishing channels kept open; more concurrent publishers wait for one. */
  static final int PUBLISH_CHANNELS = 4;

  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
  private static final String MODEL_HEADER = "mlsys-model";
  private static final String NOT_BEFORE_HEADER = "mlsys-not-before";
  private static final String DELIVERY_COUNT_HEADER = "x-delivery-count";

  private final URI uri;
  private final String queue;
  private final int prefetch;
  private final int deliveryLimit;
  private final Clock clock;
  private final String description;
  private final ConnectionFactory factory;
  private final BlockingQueue<Channel> publishChannels = new ArrayBlockingQueue<>(PUBLISH_CHANNELS);
  private final BlockingQueue<RabbitDelivery> received = new LinkedBlockingQueue<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private int openPublishChannels;
  private Connection connection;
  private Channel consumeChannel;
  private boolean topologyDeclared;

  /**
   * @param uri the broker ({@code amqp://user:pass@host:5672/vhost}; the credentials are never
   *     logged)
   * @param queue the main queue's name; the dead-letter and delay queues are named after it
   * @param prefetch how many unacknowledged jobs this process holds at most (its worker threads,
   *     and a few more so that none waits for the broker)
   * @param deliveryLimit how many times one job may come back unacknowledged (its worker died)
   *     before the broker dead-letters it
   */
  public RabbitMqJobQueue(String uri, String queue, int prefetch, int deliveryLimit, Clock clock) {
    Objects.requireNonNull(uri, "uri");
    this.queue = Objects.requireNonNull(queue, "queue");
    if (prefetch < 1) {
      throw new IllegalArgumentException("prefetch: " + prefetch + " (expected at least 1)");
    }
    if (deliveryLimit < 1) {
      throw new IllegalArgumentException(
          "deliveryLimit: " + deliveryLimit + " (expected at least 1)");
    }
    this.prefetch = prefetch;
    this.deliveryLimit = deliveryLimit;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.uri = URI.create(uri);
    this.description =
        "rabbitmq job queue '" + queue + "' at " + this.uri.getHost() + ":" + port(this.uri);
    this.factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
    } catch (Exception e) {
      throw new IllegalArgumentException("uri: not an amqp:// URI (" + e.getMessage() + ")", e);
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    factory.setNetworkRecoveryInterval(1_000);
    factory.setConnectionTimeout(2_000);
    factory.setRequestedHeartbeat(10);
    factory.setClientProperties(Map.of("connection_name", "mlsys-jobs"));
  }

  private static int port(URI uri) {
    return uri.getPort() > 0 ? uri.getPort() : "amqps".equals(uri.getScheme()) ? 5671 : 5672;
  }

  @Override
  public String backend() {
    return "rabbitmq";
  }

  @Override
  public void publish(String jobId, String model, Instant notBefore) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(notBefore, "notBefore");
    send(jobId, model, notBefore);
  }

  /** Publishes to the main queue, or to the delay bucket that holds it until {@code notBefore}. */
  private void send(String jobId, String model, Instant notBefore) {
    Duration delay = Duration.between(clock.instant(), notBefore);
    String routingKey = delay.compareTo(FIRST_DELAY.dividedBy(2)) < 0 ? queue : delayQueue(delay);
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .deliveryMode(2)
            .messageId(jobId)
            .contentType("text/plain")
            .headers(Map.of(MODEL_HEADER, model, NOT_BEFORE_HEADER, notBefore.toEpochMilli()))
            .build();
    Channel channel = borrowPublishChannel();
    boolean healthy = false;
    try {
      channel.basicPublish(
          "", routingKey, false, properties, jobId.getBytes(StandardCharsets.UTF_8));
      channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
      healthy = true;
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      throw unavailable("publish job " + jobId + ": " + ErrorMessages.rootCause(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("publish job " + jobId + ": interrupted", e);
    } finally {
      returnPublishChannel(channel, healthy);
    }
  }

  /** The delay queue for {@code delay}: the shortest bucket not shorter than it, or the longest. */
  private String delayQueue(Duration delay) {
    long millis = FIRST_DELAY.toMillis();
    for (int bucket = 0; bucket < DELAY_BUCKETS - 1 && millis < delay.toMillis(); bucket++) {
      millis *= 2;
    }
    return queue + ".delay." + millis;
  }

  private Channel borrowPublishChannel() {
    Channel channel = publishChannels.poll();
    if (channel != null) {
      return channel;
    }
    synchronized (this) {
      if (openPublishChannels < PUBLISH_CHANNELS) {
        Channel created = openChannel();
        try {
          created.confirmSelect();
        } catch (IOException e) {
          closeQuietly(created);
          throw unavailable("open a publishing channel: " + ErrorMessages.rootCause(e), e);
        }
        openPublishChannels++;
        return created;
      }
    }
    try {
      Channel waited = publishChannels.poll(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (waited == null) {
        throw unavailable("no publishing channel free within " + CONFIRM_TIMEOUT, null);
      }
      return waited;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("publish: interrupted", e);
    }
  }

  private void returnPublishChannel(Channel channel, boolean healthy) {
    if (healthy && channel.isOpen() && !closed.get()) {
      publishChannels.add(channel);
      return;
    }
    closeQuietly(channel);
    synchronized (this) {
      openPublishChannels--;
    }
  }

  @Override
  public Optional<Delivery> receive(Duration wait) throws InterruptedException {
    ensureConsuming();
    Instant giveUp = clock.instant().plus(wait);
    while (true) {
      Duration left = Duration.between(clock.instant(), giveUp);
      RabbitDelivery delivery = received.poll(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
      if (delivery == null) {
        return Optional.empty();
      }
      if (delivery.notBefore.isAfter(clock.instant().plus(FIRST_DELAY.dividedBy(2)))) {
        // Came round from the longest delay bucket before its time: wait again.
        delivery.retryAt(delivery.notBefore);
        continue;
      }
      return Optional.of(delivery);
    }
  }

  private synchronized void ensureConsuming() {
    if (consumeChannel != null && consumeChannel.isOpen()) {
      return;
    }
    Channel channel = openChannel();
    try {
      channel.basicQos(prefetch);
      channel.basicConsume(queue, false, "mlsys-worker", new Receiver(channel));
    } catch (IOException e) {
      closeQuietly(channel);
      throw unavailable("consume: " + ErrorMessages.rootCause(e), e);
    }
    consumeChannel = channel;
  }

  /** Hands the broker's pushes to the worker threads that call {@link #receive}. */
  private final class Receiver extends DefaultConsumer {
    Receiver(Channel channel) {
      super(channel);
    }

    @Override
    public void handleDelivery(
        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      Map<String, Object> headers =
          properties.getHeaders() == null ? Map.of() : properties.getHeaders();
      Object model = headers.get(MODEL_HEADER);
      Object notBefore = headers.get(NOT_BEFORE_HEADER);
      Object previous = headers.get(DELIVERY_COUNT_HEADER);
      int deliveryCount =
          previous instanceof Number count ? count.intValue() + 1 : envelope.isRedeliver() ? 2 : 1;
      received.add(
          new RabbitDelivery(
              getChannel(),
              envelope.getDeliveryTag(),
              new String(body, StandardCharsets.UTF_8),
              model == null ? "" : model.toString(),
              notBefore instanceof Number millis
                  ? Instant.ofEpochMilli(millis.longValue())
                  : Instant.EPOCH,
              deliveryCount));
    }
  }

  private synchronized Channel openChannel() {
    if (closed.get()) {
      throw new IllegalStateException(description + " is closed");
    }
    try {
      if (connection == null || !connection.isOpen()) {
        connection = factory.newConnection("mlsys-jobs");
        topologyDeclared = false;
      }
      Channel channel = connection.createChannel();
      if (!topologyDeclared) {
        declareTopology(channel);
        topologyDeclared = true;
      }
      return channel;
    } catch (IOException | TimeoutException e) {
      throw unavailable("cannot connect: " + ErrorMessages.rootCause(e), e);
    }
  }

  private void declareTopology(Channel channel) throws IOException {
    String dead = queue + ".dead";
    channel.queueDeclare(dead, true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueDeclare(
        queue,
        true,
        false,
        false,
        Map.of(
            "x-queue-type",
            "quorum",
            "x-delivery-limit",
            deliveryLimit,
            "x-dead-letter-exchange",
            "",
            "x-dead-letter-routing-key",
            dead));
    long millis = FIRST_DELAY.toMillis();
    for (int bucket = 0; bucket < DELAY_BUCKETS; bucket++, millis *= 2) {
      channel.queueDeclare(
          queue + ".delay." + millis,
          true,
          false,
          false,
          Map.of(
              "x-message-ttl", millis,
              "x-dead-letter-exchange", "",
              "x-dead-letter-routing-key", queue));
    }
  }

  private DependencyUnavailableException unavailable(String problem, Throwable cause) {
    return new DependencyUnavailableException(description, problem, RETRY_AFTER, cause);
  }

  private static void closeQuietly(Channel channel) {
    try {
      if (channel.isOpen()) {
        channel.close();
      }
    } catch (IOException | TimeoutException | ShutdownSignalException e) {
      // Already closing with its connection: nothing left to release.
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Closing the connection hands every unacknowledged delivery back to the queue.
    Connection toClose;
    synchronized (this) {
      toClose = connection;
      connection = null;
    }
    if (toClose != null) {
      try {
        toClose.close(2_000);
      } catch (IOException | ShutdownSignalException e) {
        toClose.abort(1_000);
      }
    }
  }

  @Override
  public String toString() {
    return description;
  }

  /** One message delivered to this process, acknowledged on the channel it came on. */
  private final class RabbitDelivery implements Delivery {
    private final Channel channel;
    private final long deliveryTag;
    private final String jobId;
    private final String model;
    private final Instant notBefore;
    private final int deliveryCount;

    RabbitDelivery(
        Channel channel,
        long deliveryTag,
        String jobId,
        String model,
        Instant notBefore,
        int deliveryCount) {
      this.channel = channel;
      this.deliveryTag = deliveryTag;
      this.jobId = jobId;
      this.model = model;
      this.notBefore = notBefore;
      this.deliveryCount = deliveryCount;
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
      // Acknowledgements share the consuming channel with the broker's pushes: one at a time.
      synchronized (channel) {
        try {
          channel.basicAck(deliveryTag, false);
        } catch (IOException | ShutdownSignalException e) {
          // The channel went away: the broker gives the job to another worker, which finds it
          // final in the store and drops it.
          throw unavailable("acknowledge job " + jobId + ": " + ErrorMessages.rootCause(e), e);
        }
      }
    }

    @Override
    public void retryAt(Instant due) {
      // Publish the retry before acknowledging this delivery: a crash in between delivers the
      // job twice (the store's idempotent completion absorbs it), never zero times.
      send(jobId, model, due);
      ack();
    }

    @Override
    public void extendLease(Duration lease) {
      // No lease to extend: the delivery stays ours until the connection closes.
    }

    @Override
    public String toString() {
      return "job " + jobId + " (delivery " + deliveryCount + ")";
    }
  }
}
