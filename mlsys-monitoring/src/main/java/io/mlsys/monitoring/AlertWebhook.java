package io.mlsys.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends alerts to a webhook as JSON, off the monitor thread: a bounded queue (a full one drops the
 * alert, counted in {@code mlsys_monitor_alerts_dropped_total}), up to {@code max-attempts} POSTs
 * with exponential backoff, and de-duplication: an alert whose fingerprint and status were already
 * delivered is not sent again until {@code repeat-interval} passed. Each POST carries the alert's
 * fingerprint, so a receiver that got a retried POST twice can drop the copy.
 */
final class AlertWebhook implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AlertWebhook.class.getName());

  /** Fingerprints remembered for de-duplication; the oldest are forgotten past this. */
  static final int MAX_REMEMBERED = 10_000;

  private final WebhookConfig config;
  private final URI url;
  private final HttpClient client;
  private final ObjectMapper mapper;
  private final Clock clock;
  private final BlockingQueue<Alert> queue;
  private final Map<String, Instant> delivered =
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };
  private final Counter sent;
  private final Counter failed;
  private final Counter dropped;
  private final Counter duplicates;
  private final Thread sender;
  private volatile boolean closed;

  AlertWebhook(WebhookConfig config, ObjectMapper mapper, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.url = URI.create(config.url());
    this.mapper = mapper;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
    this.client = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    this.sent = counter(meters, "mlsys_monitor_alerts_sent_total", "Alerts the webhook accepted");
    this.failed =
        counter(
            meters,
            "mlsys_monitor_alerts_failed_total",
            "Alerts the webhook did not accept after every attempt");
    this.dropped =
        counter(
            meters,
            "mlsys_monitor_alerts_dropped_total",
            "Alerts not sent because the webhook's queue was full");
    this.duplicates =
        counter(
            meters,
            "mlsys_monitor_alerts_deduplicated_total",
            "Alerts not sent again because the same one was delivered within repeat-interval");
    this.sender = Thread.ofVirtual().name("mlsys-alert-webhook").start(this::run);
  }

  private Counter counter(MeterRegistry meters, String name, String help) {
    return Counter.builder(name).description(help).tag("url_host", url.getHost()).register(meters);
  }

  /** Queues an alert; never blocks. */
  void send(Alert alert) {
    if (!queue.offer(alert)) {
      dropped.increment();
      LOG.warning(
          "alert webhook queue full: dropped " + alert.fingerprint() + " " + alert.status());
    }
  }

  private void run() {
    while (!closed) {
      Alert alert;
      try {
        alert = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (alert != null) {
        deliver(alert);
      }
    }
  }

  private void deliver(Alert alert) {
    String key = alert.fingerprint() + "|" + alert.status();
    Instant last = delivered.get(key);
    Instant now = clock.instant();
    if (last != null && Duration.between(last, now).compareTo(config.repeatInterval()) < 0) {
      duplicates.increment();
      return;
    }
    byte[] body;
    try {
      body = mapper.writeValueAsBytes(alert);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "alert " + alert.fingerprint() + " could not be written", e);
      return;
    }
    Duration backoff = config.initialBackoff();
    for (int attempt = 1; attempt <= config.maxAttempts() && !closed; attempt++) {
      int status;
      try {
        HttpResponse<Void> response =
            client.send(
                HttpRequest.newBuilder(url)
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        status = response.statusCode();
      } catch (IOException e) {
        status = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (status >= 200 && status < 300) {
        delivered.put(key, clock.instant());
        // A new status makes the other one deliverable again.
        delivered.remove(
            alert.fingerprint()
                + "|"
                + (alert.status() == Alert.Status.FIRING
                    ? Alert.Status.RESOLVED
                    : Alert.Status.FIRING));
        sent.increment();
        return;
      }
      boolean retryable = status < 0 || status >= 500 || status == 408 || status == 429;
      if (!retryable || attempt == config.maxAttempts()) {
        break;
      }
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(config.maxBackoff()) > 0) {
        backoff = config.maxBackoff();
      }
    }
    failed.increment();
    LOG.warning("alert webhook " + url + " did not accept " + key + " after retries");
  }

  @Override
  public void close() {
    closed = true;
    sender.interrupt();
  }
}
