package io.mlsys.predictionlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka sink against a real broker (KRaft, in a JVM of its own). */
@Timeout(300)
class KafkaSinkTest {
  @TempDir static Path brokerDir;
  private static KafkaBroker broker;

  private final EventFactory factory = new EventFactory(new Random(11));

  @TempDir Path journalDir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(brokerDir);
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  private static KafkaSinkConfig config(String topic) {
    return KafkaSinkConfig.defaults()
        .withBootstrapServers(broker.bootstrapServers())
        .withTopic(topic)
        .withTimeout(Duration.ofSeconds(5));
  }

  /** Every record of the topic, read by a consumer of a new group from the beginning. */
  static List<ConsumerRecord<String, String>> readAll(String servers, String topic, int expected) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    settings.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + System.nanoTime());
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    settings.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> records = new java.util.ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
      consumer.subscribe(List.of(topic));
      Instant deadline = Instant.now().plusSeconds(60);
      while (records.size() < expected && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      // One more poll: copies beyond the expected count would show here.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }

  private PredictionEvent event(String requestId) {
    return factory.event(Calls.call(requestId, Instant.parse("2026-12-07T10:00:00Z")));
  }

  @Test
  void writesEachEventAsARecordKeyedByItsEventId() throws Exception {
    List<PredictionEvent> events = List.of(event("r1"), event("r2"), event("r3"));
    try (KafkaSink sink = new KafkaSink(config("events-written"))) {
      sink.write(events);
    }

    List<ConsumerRecord<String, String>> records =
        readAll(broker.bootstrapServers(), "events-written", 3);

    assertThat(records).hasSize(3);
    for (int i = 0; i < 3; i++) {
      ConsumerRecord<String, String> record = records.get(i);
      PredictionEvent event = events.get(i);
      assertThat(record.key()).isEqualTo(event.eventId());
      assertThat(PredictionEvent.fromJson(record.value())).isEqualTo(event);
      assertThat(
              new String(
                  record.headers().lastHeader(KafkaSink.EVENT_ID_HEADER).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo(event.eventId());
      assertThat(
              new String(
                  record.headers().lastHeader(KafkaSink.SCHEMA_HEADER).value(),
                  StandardCharsets.UTF_8))
          .isEqualTo(Integer.toString(PredictionEvent.SCHEMA_VERSION));
    }
  }

  @Test
  void aBrokerThatIsDownFailsTheBatchWithinTheTimeoutAndTheLogReplaysItLater() throws Exception {
    KafkaSinkConfig unreachable =
        KafkaSinkConfig.defaults()
            .withBootstrapServers("127.0.0.1:1")
            .withTopic("never")
            .withTimeout(Duration.ofMillis(500));
    try (KafkaSink sink = new KafkaSink(unreachable)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> sink.write(List.of(event("a"), event("b"), event("c"))))
          .isInstanceOf(Exception.class);
      // Bounded: one wait for metadata, not one per record.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }
  }

  @Test
  void everyEventRecordedWhileTheBrokerIsStoppedArrivesAfterItReturns() throws Exception {
    String topic = "outage";
    int count = 500;
    PredictionLog log =
        PredictionLog.builder(journalDir)
            .sink(new KafkaSink(config(topic)))
            .retryInterval(Duration.ofMillis(200))
            .batchSize(50)
            .build();
    Set<String> recorded = new HashSet<>();
    try {
      for (int i = 0; i < count / 2; i++) {
        PredictionCall call = Calls.call("before-" + i, Instant.now());
        log.record(call);
      }
      log.flush();
      broker.stop();
      for (int i = 0; i < count / 2; i++) {
        log.record(Calls.call("during-" + i, Instant.now()));
      }
      log.flush(); // fails against the stopped broker: the batches go to the journal
      broker.start();
      log.flush(); // replays the journal
    } finally {
      log.close();
    }

    List<ConsumerRecord<String, String>> records = readAll(broker.bootstrapServers(), topic, count);
    for (ConsumerRecord<String, String> record : records) {
      recorded.add(PredictionEvent.fromJson(record.value()).requestId());
    }
    assertThat(recorded).hasSize(count);
    assertThat(records.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(count);
  }

  @Test
  void brokersWhoseNamesDoNotResolveMakeASinkThatFailsNotALogThatCannotOpen() throws Exception {
    KafkaSinkConfig unresolvable =
        KafkaSinkConfig.defaults().withBootstrapServers("kafka.invalid:9092");
    KafkaSink sink = new KafkaSink(unresolvable);
    try {
      assertThatThrownBy(() -> sink.write(List.of(event("x"))))
          .hasMessageContaining("Failed to construct kafka producer");
    } finally {
      sink.close();
    }
  }

  @Test
  void settingsTheGuaranteeRestsOnCannotBeOverridden() {
    assertThatThrownBy(
            () ->
                new KafkaSinkConfig(
                    "localhost:9092", "t", "c", Duration.ofSeconds(1), "lz4", Map.of("acks", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("properties.acks");
    assertThatThrownBy(
            () ->
                new KafkaSinkConfig(
                    "localhost", "bad topic", "c", Duration.ofSeconds(1), "brotli", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrap-servers")
        .hasMessageContaining("topic")
        .hasMessageContaining("compression");
  }
}
