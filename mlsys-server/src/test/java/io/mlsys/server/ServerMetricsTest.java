package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ServerMetrics metrics = new ServerMetrics(registry);

  @Test
  void seriesBeyondTheCapShareTheOverflowTag() {
    for (int i = 0; i < ServerMetrics.MAX_SERIES + 10; i++) {
      metrics.recordInference("m" + i, "1", Protocol.V2, 200, null, 1000);
    }

    assertThat(registry.find("mlsys.requests").counters()).hasSize(ServerMetrics.MAX_SERIES + 1);
    assertThat(
            registry.get("mlsys.requests").tag("model", ServerMetrics.OVERFLOW).counter().count())
        .isEqualTo(10);
  }

  @Test
  void unknownModelsHaveNoStatistics() {
    metrics.recordInference(
        ServerMetrics.UNKNOWN, ServerMetrics.UNKNOWN, Protocol.V2, 404, null, 1);

    assertThat(metrics.stats(ServerMetrics.UNKNOWN, ServerMetrics.UNKNOWN).successCount()).isZero();
  }

  @Test
  void statisticsAreSharedByBothProtocols() {
    metrics.recordInference("iris", "1", Protocol.V2, 200, null, 1000);
    metrics.recordInference("iris", "1", Protocol.V1, 200, null, 1000);

    assertThat(metrics.stats("iris", "1").successCount()).isEqualTo(2);
  }

  @Test
  void errorsCountAsFailures() {
    metrics.recordInference(
        "iris", "1", Protocol.V2, 400, new HttpError(400, "invalid_input", null), 1);

    assertThat(metrics.stats("iris", "1").failureCount()).isEqualTo(1);
    assertThat(registry.get("mlsys.request.errors").tag("kind", "invalid_input").counter().count())
        .isEqualTo(1);
  }
}
