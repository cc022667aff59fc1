package io.mlsys.predictionlog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Events as records of a Kafka topic: the JSON line as value, the event id as key and as the
 * {@value #EVENT_ID_HEADER} header, the schema version as {@value #SCHEMA_HEADER}.
 *
 * <p>A batch counts as written once every record of it is acknowledged by all in-sync replicas
 * ({@code acks=all}). The producer is idempotent, so its own retries add no copies; a batch that
 * fails part way is journaled and sent again whole, so consumers see at-least-once delivery and
 * drop copies by the event id. A broker that is down makes {@link #write} fail within {@code
 * timeout} (metadata wait and delivery both bounded), never hang the sink's thread.
 */
final class KafkaSink implements EventSink {
  static final String NAME = "kafka";
  static final String EVENT_ID_HEADER = "mlsys-event-id";
  static final String SCHEMA_HEADER = "mlsys-schema-version";

  private final Supplier<Producer<String, String>> open;
  private final String topic;
  private final long timeoutMillis;
  // Volatile: close() may run on another thread when the sink thread did not stop in time.
  private volatile Producer<String, String> producer;

  /**
   * A sink whose producer is made at the first write: brokers whose names do not resolve yet when
   * the server starts make a sink that fails (its events wait in the journal), not a server that
   * cannot start.
   */
  KafkaSink(KafkaSinkConfig config) {
    this(() -> new KafkaProducer<>(producerSettings(config)), config);
  }

  KafkaSink(Supplier<Producer<String, String>> open, KafkaSinkConfig config) {
    this.open = open;
    this.topic = config.topic();
    this.timeoutMillis = config.timeout().toMillis();
  }

  /** The producer's settings: the user's extra properties under the ones the guarantee needs. */
  static Map<String, Object> producerSettings(KafkaSinkConfig config) {
    Map<String, Object> settings = new HashMap<>(config.properties());
    int timeout = (int) config.timeout().toMillis();
    int linger = 5;
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId());
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
    settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, linger);
    // Both bounds: a send waits for metadata at most max.block.ms, and a record is failed once
    // delivery.timeout.ms passed (which Kafka requires to be >= linger + request timeout).
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeout + linger);
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return settings;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void write(List<PredictionEvent> batch) throws Exception {
    // Only the sink thread writes (EventSink contract), so making the producer needs no lock.
    if (producer == null) {
      producer = open.get();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2L * timeoutMillis);
    List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
    for (PredictionEvent event : batch) {
      ProducerRecord<String, String> record =
          new ProducerRecord<>(topic, event.eventId(), event.toJson());
      record
          .headers()
          .add(new RecordHeader(EVENT_ID_HEADER, event.eventId().getBytes(StandardCharsets.UTF_8)))
          .add(
              new RecordHeader(
                  SCHEMA_HEADER,
                  Integer.toString(event.schemaVersion()).getBytes(StandardCharsets.UTF_8)));
      Future<RecordMetadata> send = producer.send(record);
      if (send.isDone()) {
        // A send that failed at once (no metadata within max.block.ms: the broker is down) fails
        // the batch now, rather than each of its records waiting as long again.
        await(send, 0);
      }
      sends.add(send);
    }
    producer.flush();
    for (Future<RecordMetadata> send : sends) {
      await(send, Math.max(0, deadline - System.nanoTime()));
    }
  }

  private void await(Future<RecordMetadata> send, long nanos) throws Exception {
    try {
      send.get(nanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new TimeoutException(
          "Kafka did not acknowledge the batch within " + 2 * timeoutMillis + " ms");
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofMillis(timeoutMillis));
    }
  }
}
