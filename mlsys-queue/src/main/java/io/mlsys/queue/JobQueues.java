package io.mlsys.queue;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigException;
import io.mlsys.store.Store;
import java.time.Clock;

/** Opens the queue backend {@code jobs.queue} names. */
public final class JobQueues {
  private JobQueues() {}

  /**
   * @param store the jobs' store (the embedded backend's queue lives in it)
   * @throws ConfigException when the backend is not in this build
   */
  public static JobQueue open(JobsConfig config, Store store, Clock clock) {
    return switch (config.queue()) {
      case EMBEDDED -> EmbeddedJobQueue.open(store, clock, config.lease());
      // The Redis Streams and RabbitMQ backends (io.mlsys.queue.redis, io.mlsys.queue.rabbitmq)
      // are opened here once they are part of the build.
      case REDIS, RABBITMQ -> throw unavailable(config.queue());
    };
  }

  private static ConfigException unavailable(QueueBackend backend) {
    String name = ConfigBinder.nameOf(backend);
    return new ConfigException(
        "jobs.queue", "queue backend '" + name + "' is not available in this build");
  }
}
