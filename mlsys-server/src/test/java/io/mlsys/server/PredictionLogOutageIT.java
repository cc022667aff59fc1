package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.predictionlog.PredictionEvent;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.KafkaBroker;
import io.mlsys.testing.PrivatePostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prediction log's promise under an outage: a server under load logs to its own PostgreSQL and
 * its own Kafka broker (private instances, never the machine's), both are stopped for {@value
 * #OUTAGE_SECONDS} s and started again, and afterwards each sink holds exactly one event id per
 * answered request: nothing accepted is lost, and copies from replays are dropped by event id.
 */
@Timeout(600)
class PredictionLogOutageIT {
  private static final int OUTAGE_SECONDS = 30;
  private static final int CLIENTS = 4;
  private static final String TOPIC = "predictions";
  private static final Pattern WRITTEN =
      Pattern.compile(
          "mlsys_prediction_log_events_written_total\\{[^}]*sink=\"(\\w+)\"[^}]*} ([0-9.E]+)");
  private static final Pattern JOURNAL =
      Pattern.compile("mlsys_prediction_log_journal_bytes(?:\\{[^}]*})? ([0-9.E]+)");

  @TempDir Path dir;

  @Test
  void everyAnsweredRequestIsInEachSinkOnceAfterTheDatabaseAndTheBrokerWereDown() throws Exception {
    try (PrivatePostgres postgres = PrivatePostgres.start(dir.resolve("postgres"));
        KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"));
        MlsysServer server = start(postgres, broker)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      Set<String> answered = ConcurrentHashMap.newKeySet();
      AtomicLong failed = new AtomicLong();
      AtomicBoolean loading = new AtomicBoolean(true);
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int clientNumber = c;
        clients.add(
            Thread.ofPlatform()
                .start(() -> load(client, server, clientNumber, loading, answered, failed)));
      }

      Thread.sleep(5_000);
      int beforeOutage = answered.size();
      postgres.stop();
      broker.stop();
      Thread.sleep(OUTAGE_SECONDS * 1000L);
      int duringOutage = answered.size() - beforeOutage;
      postgres.start();
      broker.start();
      Thread.sleep(5_000);
      loading.set(false);
      for (Thread thread : clients) {
        thread.join();
      }

      System.out.printf(
          "answered %d requests, %d of them during the %d s outage%n",
          answered.size(), duringOutage, OUTAGE_SECONDS);
      // Serving went on through the outage, and every request was answered.
      assertThat(failed.get()).isZero();
      assertThat(duringOutage).isGreaterThan(100);
      awaitDelivered(client, server, answered.size(), Duration.ofMinutes(3));
      server.stop();

      assertThat(storeRequestIds(postgres)).isEqualTo(answered);
      assertThat(kafkaRequestIds(broker)).isEqualTo(answered);
    }
  }

  private MlsysServer start(PrivatePostgres postgres, KafkaBroker broker) throws Exception {
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), dir.resolve("iris_svc.onnx"));
    String yaml =
        "models:\n"
            + "  iris: { uri: iris_svc.onnx }\n"
            + "prediction-log:\n"
            + "  retry-interval: 500ms\n"
            + "  store: { enabled: true }\n"
            + "  kafka: { bootstrap-servers: \""
            + broker.bootstrapServers()
            + "\", topic: "
            + TOPIC
            + ", timeout: 2s }\n";
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of())
            .withServer(MlsysServerExtension.config())
            .withDataDir(dir.resolve("data"))
            .withStore(StoreConfig.postgresql(postgres.url(), "postgres", null));
    return MlsysServer.fromConfig(config).start();
  }

  private static void load(
      HttpClient client,
      MlsysServer server,
      int clientNumber,
      AtomicBoolean loading,
      Set<String> answered,
      AtomicLong failed) {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer");
    for (long n = 0; loading.get(); n++) {
      String id = "c" + clientNumber + "-" + n;
      String body =
          "{\"id\": \""
              + id
              + "\", \"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\","
              + " \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}";
      try {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(uri)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          answered.add(id);
        } else {
          failed.incrementAndGet();
        }
        // A steady rate rather than a flood: the outage, not CPU starvation, is under test.
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.io.IOException e) {
        failed.incrementAndGet();
      }
    }
  }

  /** Waits until both sinks report at least {@code answered} events written and no journal. */
  private static void awaitDelivered(
      HttpClient client, MlsysServer server, int answered, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String metrics = "";
    while (Instant.now().isBefore(deadline)) {
      metrics =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Map<String, Double> written = new HashMap<>();
      Matcher matcher = WRITTEN.matcher(metrics);
      while (matcher.find()) {
        written.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
      }
      Matcher journal = JOURNAL.matcher(metrics);
      boolean journalEmpty = journal.find() && Double.parseDouble(journal.group(1)) == 0;
      if (journalEmpty
          && written.getOrDefault("store", 0.0) >= answered
          && written.getOrDefault("kafka", 0.0) >= answered) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the sinks did not catch up within " + timeout + ":\n" + metrics);
  }

  private static Set<String> storeRequestIds(PrivatePostgres postgres) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection connection = DriverManager.getConnection(postgres.url(), "postgres", null);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT request_id, count(*) FROM mlsys_predictionlog.prediction_events"
                    + " GROUP BY request_id")) {
      while (rows.next()) {
        assertThat(rows.getLong(2)).as("events of request %s", rows.getString(1)).isOne();
        ids.add(rows.getString(1));
      }
    }
    return ids;
  }

  /** The request ids of the topic's records, one per distinct event id (copies are dropped). */
  private static Set<String> kafkaRequestIds(KafkaBroker broker) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    settings.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    Map<String, String> requestByEventId = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      while (consumer.position(partition) < end) {
        consumer
            .poll(Duration.ofMillis(500))
            .forEach(
                record ->
                    requestByEventId.put(
                        record.key(), PredictionEvent.fromJson(record.value()).requestId()));
      }
    }
    Set<String> requestIds = new HashSet<>(requestByEventId.values());
    assertThat(requestIds).hasSameSizeAs(requestByEventId.keySet());
    return requestIds;
  }
}
