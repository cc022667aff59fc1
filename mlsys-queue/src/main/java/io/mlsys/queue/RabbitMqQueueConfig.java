package io.mlsys.queue;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.Objects;

/**
 * The RabbitMQ backend ({@code jobs.rabbitmq}).
 *
 * @param uri the broker, {@code amqp://user:password@host:port/vhost} or {@code amqps://...}; write
 *     credentials as {@code ${VAR}}
 * @param queue the durable queue job ids are published to (its dead-letter queue is named after it)
 */
public record RabbitMqQueueConfig(String uri, String queue) {
  public static final String DEFAULT_URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
  public static final String DEFAULT_QUEUE = "mlsys-jobs";

  /**
   * @throws ConfigException listing every invalid field
   */
  public RabbitMqQueueConfig {
    uri = Objects.requireNonNullElse(uri, DEFAULT_URI);
    queue = Objects.requireNonNullElse(queue, DEFAULT_QUEUE);
    Violations violations = new Violations();
    violations.check(
        uri.startsWith("amqp://") || uri.startsWith("amqps://"),
        "uri",
        uri,
        "amqp://user:password@host:port/vhost or amqps://...");
    violations.check(!queue.isBlank(), "queue", queue, "a queue name");
    violations.throwIfAny(null);
  }

  /** The local broker as guest, queue {@value #DEFAULT_QUEUE}. */
  @ConfigDefaults
  public static RabbitMqQueueConfig defaults() {
    return new RabbitMqQueueConfig(DEFAULT_URI, DEFAULT_QUEUE);
  }

  /** Never prints the credentials of the URI. */
  @Override
  public String toString() {
    return "RabbitMqQueueConfig[uri="
        + uri.replaceAll("//[^@/]*@", "//***@")
        + ", queue="
        + queue
        + "]";
  }
}
