package io.mlsys.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The alert webhook against a real local HTTP receiver that fails the first attempts. */
class AlertWebhookTest {
  private final ObjectMapper json = new ObjectMapper();
  private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> keys = new LinkedBlockingQueue<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicInteger attempts = new AtomicInteger();
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private HttpServer receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/alerts",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          attempts.incrementAndGet();
          int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
          if (status == 200) {
            // The key first: a test that saw the body reads the key next.
            keys.add(exchange.getRequestHeaders().getFirst("Idempotency-Key"));
            received.add(json.readTree(new String(body, StandardCharsets.UTF_8)));
          }
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.stop(0);
  }

  private AlertWebhook webhook() {
    WebhookConfig config =
        WebhookConfig.to("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts")
            .withBackoff(4, Duration.ofMillis(5), Duration.ofMillis(20));
    return new AlertWebhook(config, MonitorJson.mapper(), clock, meters);
  }

  private static Alert alert(Alert.Status status) {
    Instant since = Instant.parse("2026-01-01T00:00:00Z");
    return new Alert(
        "iris/1/feature-drifted/petal_length",
        status,
        "feature-drifted",
        AlertRule.Signal.FEATURE_DRIFTED,
        "petal_length",
        "iris",
        "1",
        AlertRule.Severity.WARNING,
        1,
        0.5,
        since,
        since);
  }

  @Test
  void aFailingReceiverGetsTheAlertOnALaterAttempt() throws Exception {
    failuresLeft.set(2);
    try (AlertWebhook webhook = webhook()) {
      webhook.send(alert(Alert.Status.FIRING));

      JsonNode body = received.poll(10, TimeUnit.SECONDS);
      assertThat(body).isNotNull();
      assertThat(attempts.get()).isEqualTo(3);
      assertThat(body.get("status").asText()).isEqualTo("firing");
      assertThat(body.get("feature").asText()).isEqualTo("petal_length");
      assertThat(body.get("signal").asText()).isEqualTo("feature-drifted");
      assertThat(body.get("fingerprint").asText()).isEqualTo("iris/1/feature-drifted/petal_length");
      assertThat(keys.poll(10, TimeUnit.SECONDS))
          .isEqualTo("iris/1/feature-drifted/petal_length|FIRING");
    }
  }

  @Test
  void theSameAlertIsSentOnceWithinTheRepeatIntervalAndItsResolutionOnce() throws Exception {
    try (AlertWebhook webhook = webhook()) {
      webhook.send(alert(Alert.Status.FIRING));
      webhook.send(alert(Alert.Status.FIRING));
      webhook.send(alert(Alert.Status.RESOLVED));

      assertThat(received.poll(10, TimeUnit.SECONDS).get("status").asText()).isEqualTo("firing");
      assertThat(received.poll(10, TimeUnit.SECONDS).get("status").asText()).isEqualTo("resolved");
      assertThat(
              meters
                  .counter("mlsys_monitor_alerts_deduplicated_total", "url_host", "127.0.0.1")
                  .count())
          .isEqualTo(1);
      assertThat(attempts.get()).isEqualTo(2);
    }
  }

  @Test
  void anAlertTheReceiverRefusesMaxAttemptsTimesIsGivenUpAndCounted() throws Exception {
    // Exactly max-attempts failures: the first alert spends them all, the next one goes through.
    failuresLeft.set(4);
    try (AlertWebhook webhook = webhook()) {
      webhook.send(alert(Alert.Status.FIRING));
      webhook.send(alert(Alert.Status.RESOLVED));

      JsonNode next = received.poll(10, TimeUnit.SECONDS);
      assertThat(next.get("status").asText()).isEqualTo("resolved");
      assertThat(attempts.get()).isEqualTo(5);
      assertThat(
              meters.counter("mlsys_monitor_alerts_failed_total", "url_host", "127.0.0.1").count())
          .isEqualTo(1);
    }
  }
}
