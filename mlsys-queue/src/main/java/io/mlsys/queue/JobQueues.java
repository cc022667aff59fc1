package io.mlsys.queue;

import io.mlsys.config.ConfigException;
import io.mlsys.queue.rabbitmq.RabbitMqJobQueue;
import io.mlsys.queue.redis.RedisStreamsJobQueue;
import io.mlsys.store.Store;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;

/** Opens the queue backend {@code jobs.queue} names. */
public final class JobQueues {
  private JobQueues() {}

  /**
   * @param store the jobs' store (the embedded backend's queue lives in it)
   * @throws ConfigException when the backend's settings are invalid
   */
  public static JobQueue open(JobsConfig config, Store store, Clock clock) {
    return switch (config.queue()) {
      case EMBEDDED -> EmbeddedJobQueue.open(store, clock, config.lease());
      case REDIS ->
          new RedisStreamsJobQueue(
              config.redis().uri(),
              config.redis().stream(),
              config.redis().group(),
              consumerName(),
              config.lease(),
              clock);
      case RABBITMQ ->
          new RabbitMqJobQueue(
              config.rabbitmq().uri(),
              config.rabbitmq().queue(),
              prefetch(config),
              RABBITMQ_DELIVERY_LIMIT,
              clock);
    };
  }

  /**
   * How often RabbitMQ gives a job back to the queue after its worker died before it dead-letters
   * it: far more than the kills a healthy fleet sees, few enough that a job that kills every worker
   * stops doing so (the store's attempts fail it sooner when the job only fails).
   */
  static final int RABBITMQ_DELIVERY_LIMIT = 20;

  /** Jobs one process holds unacknowledged: one per worker thread and as many waiting. */
  private static int prefetch(JobsConfig config) {
    return Math.max(1, config.workers()) * 2;
  }

  /** This process in a Redis consumer group: host, pid and a random part (a restarted pid). */
  private static String consumerName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host
        + "-"
        + ProcessHandle.current().pid()
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }
}
