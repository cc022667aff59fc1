package io.mlsys.queue;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.Objects;

/**
 * The Redis Streams backend ({@code jobs.redis}).
 *
 * @param uri the Redis server, {@code redis://host:port[/db]} or {@code rediss://...}; write a
 *     password as {@code ${VAR}}
 * @param stream the stream job ids are appended to
 * @param group the consumer group every worker reads with
 */
public record RedisQueueConfig(String uri, String stream, String group) {
  public static final String DEFAULT_URI = "redis://127.0.0.1:6379";
  public static final String DEFAULT_STREAM = "mlsys-jobs";
  public static final String DEFAULT_GROUP = "mlsys-workers";

  /**
   * @throws ConfigException listing every invalid field
   */
  public RedisQueueConfig {
    uri = Objects.requireNonNullElse(uri, DEFAULT_URI);
    stream = Objects.requireNonNullElse(stream, DEFAULT_STREAM);
    group = Objects.requireNonNullElse(group, DEFAULT_GROUP);
    Violations violations = new Violations();
    violations.check(
        uri.startsWith("redis://") || uri.startsWith("rediss://"),
        "uri",
        uri,
        "redis://host:port or rediss://host:port");
    violations.check(!stream.isBlank(), "stream", stream, "a stream name");
    violations.check(!group.isBlank(), "group", group, "a consumer group name");
    violations.throwIfAny(null);
  }

  /** The local Redis, stream {@value #DEFAULT_STREAM}, group {@value #DEFAULT_GROUP}. */
  @ConfigDefaults
  public static RedisQueueConfig defaults() {
    return new RedisQueueConfig(DEFAULT_URI, DEFAULT_STREAM, DEFAULT_GROUP);
  }
}
