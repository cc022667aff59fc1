package io.mlsys.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.Span;
import io.mlsys.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The span counters against a real HTTP receiver of the SDK's OTLP posts: exported when it answers
 * 200, failed when nothing listens, dropped when it stalls and the export queue fills.
 */
class SpanMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger posts = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private HttpServer receiver;

  @AfterEach
  void stop() {
    release.countDown();
    if (receiver != null) {
      receiver.stop(0);
    }
  }

  /** A receiver that answers every OTLP post 200 with an empty protobuf body. */
  private String receiver(boolean stall) throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        TracingConfig.TRACES_PATH,
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          posts.incrementAndGet();
          if (stall) {
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    return "http://127.0.0.1:" + receiver.getAddress().getPort();
  }

  private static TracingConfig config(
      String endpoint, Duration timeout, Duration scheduleDelay, int queue, int batch) {
    return new TracingConfig(
        endpoint,
        1.0,
        TracingConfig.DEFAULT_SERVICE_NAME,
        java.util.Map.of(),
        timeout,
        scheduleDelay,
        queue,
        batch);
  }

  private double count(String name) {
    return registry.get(name).counter().count();
  }

  private static void spans(Tracing tracing, int n) {
    for (int i = 0; i < n; i++) {
      Span span = tracing.startRequest("POST /v2/models/iris/infer", null, null);
      span.end();
    }
  }

  @Test
  void spansTheCollectorTookAreExported() throws IOException {
    TracingConfig config = TracingConfig.defaults().withOtlpEndpoint(receiver(false));
    try (Tracing tracing = Tracing.open(config, registry)) {
      spans(tracing, 5);
      tracing.flush();
    }
    assertThat(posts.get()).isPositive();
    assertThat(count("mlsys.tracing.spans.exported")).isEqualTo(5);
    assertThat(count("mlsys.tracing.spans.failed")).isZero();
    assertThat(count("mlsys.tracing.spans.dropped")).isZero();
  }

  @Test
  void spansWhoseExportFailedAreCountedAsFailed() throws IOException {
    int closed = FreePorts.next();
    TracingConfig config =
        config(
            "http://127.0.0.1:" + closed,
            Duration.ofSeconds(2),
            TracingConfig.DEFAULT_SCHEDULE_DELAY,
            TracingConfig.DEFAULT_MAX_QUEUE_SIZE,
            TracingConfig.DEFAULT_MAX_EXPORT_BATCH_SIZE);
    try (Tracing tracing = Tracing.open(config, registry)) {
      spans(tracing, 3);
      tracing.flush();
    }
    assertThat(count("mlsys.tracing.spans.failed")).isEqualTo(3);
    assertThat(count("mlsys.tracing.spans.exported")).isZero();
  }

  @Test
  void spansBeyondAFullQueueAreDropped() throws IOException {
    TracingConfig config =
        config(receiver(true), Duration.ofSeconds(30), Duration.ofMillis(1), 4, 1);
    try (Tracing tracing = Tracing.open(config, registry)) {
      // The first export stalls in the receiver; the queue holds 4; the rest are dropped.
      spans(tracing, 1);
      while (posts.get() == 0) {
        Thread.onSpinWait();
      }
      spans(tracing, 20);
      assertThat(count("mlsys.tracing.spans.dropped")).isEqualTo(16);
      release.countDown();
      tracing.flush();
    }
    assertThat(count("mlsys.tracing.spans.exported")).isEqualTo(5);
  }
}
