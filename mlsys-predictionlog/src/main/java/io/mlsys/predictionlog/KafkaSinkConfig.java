package io.mlsys.predictionlog;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The prediction log's Kafka topic ({@code prediction-log.kafka:}), for shipping events to other
 * systems: one record per event, its JSON line as the value, the event id as key and as the {@code
 * mlsys-event-id} header (consumers drop copies by it).
 *
 * @param bootstrapServers {@code host:port[,host:port...]}; null means no Kafka sink
 * @param topic the topic events are written to
 * @param clientId the producer's client id, as the brokers' logs and quotas see it
 * @param timeout how long one batch may take, metadata wait included (> 0): past it the batch goes
 *     to the journal and the sink counts as down until its next retry
 * @param compression {@code none}, {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
 * @param properties further producer settings (security, SASL, TLS), as Kafka names them; those the
 *     delivery guarantee rests on ({@code acks}, {@code enable.idempotence}, the serializers)
 *     cannot be changed
 */
public record KafkaSinkConfig(
    String bootstrapServers,
    String topic,
    String clientId,
    Duration timeout,
    String compression,
    Map<String, String> properties) {

  public static final String DEFAULT_TOPIC = "mlsys-predictions";
  public static final String DEFAULT_CLIENT_ID = "mlsys-prediction-log";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final String DEFAULT_COMPRESSION = "lz4";

  /** Producer settings the sink sets itself, because its guarantee depends on them. */
  static final Set<String> FIXED_PROPERTIES =
      Set.of(
          "bootstrap.servers",
          "acks",
          "enable.idempotence",
          "key.serializer",
          "value.serializer",
          "client.id",
          "compression.type",
          "max.block.ms",
          "delivery.timeout.ms",
          "request.timeout.ms");

  private static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");
  // Kafka's own rule for topic names.
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern SERVERS =
      Pattern.compile("[^,:\\s]+:[0-9]{1,5}(,[^,:\\s]+:[0-9]{1,5})*");

  /**
   * @throws ConfigException listing every invalid field
   */
  public KafkaSinkConfig {
    topic = Objects.requireNonNullElse(topic, DEFAULT_TOPIC);
    clientId = Objects.requireNonNullElse(clientId, DEFAULT_CLIENT_ID);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    compression = Objects.requireNonNullElse(compression, DEFAULT_COMPRESSION);
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    Violations violations = new Violations();
    violations.check(
        bootstrapServers == null || SERVERS.matcher(bootstrapServers).matches(),
        "bootstrap-servers",
        bootstrapServers,
        "host:port, or several separated by commas");
    violations.check(
        TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals(".."),
        "topic",
        topic,
        "a Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
    violations.check(!clientId.isBlank(), "client-id", clientId, "a non-empty string");
    violations.check(
        timeout.toMillis() >= 100 && timeout.toMillis() <= Integer.MAX_VALUE,
        "timeout",
        timeout,
        "a duration of at least 100ms such as 10s");
    violations.check(
        COMPRESSIONS.contains(compression),
        "compression",
        compression,
        "one of none, gzip, snappy, lz4, zstd");
    for (String key : properties.keySet()) {
      violations.check(
          !FIXED_PROPERTIES.contains(key),
          "properties." + key,
          properties.get(key),
          "a producer setting the sink does not set itself (it sets " + sorted() + ")");
    }
    violations.throwIfAny(null);
  }

  private static String sorted() {
    return String.join(", ", FIXED_PROPERTIES.stream().sorted().toList());
  }

  /** No Kafka sink (no {@code bootstrap-servers}); the other defaults for when one is given. */
  @ConfigDefaults
  public static KafkaSinkConfig defaults() {
    return new KafkaSinkConfig(
        null, DEFAULT_TOPIC, DEFAULT_CLIENT_ID, DEFAULT_TIMEOUT, DEFAULT_COMPRESSION, Map.of());
  }

  /** Whether events go to Kafka. */
  public boolean enabled() {
    return bootstrapServers != null;
  }

  public KafkaSinkConfig withBootstrapServers(String newBootstrapServers) {
    return new KafkaSinkConfig(
        newBootstrapServers, topic, clientId, timeout, compression, properties);
  }

  public KafkaSinkConfig withTopic(String newTopic) {
    return new KafkaSinkConfig(
        bootstrapServers, newTopic, clientId, timeout, compression, properties);
  }

  public KafkaSinkConfig withTimeout(Duration newTimeout) {
    return new KafkaSinkConfig(
        bootstrapServers, topic, clientId, newTimeout, compression, properties);
  }
}
