package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.testing.StubModel;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /metrics}: the request series, bounded tags. */
class MetricsTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TestRepository repository =
      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository).meterRegistry(registry));

  private List<String> scrape() {
    HttpResponse<String> response = server.get("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/plain");
    return response.body().lines().toList();
  }

  private static List<String> series(List<String> lines, String name, String... labels) {
    return lines.stream()
        .filter(line -> line.startsWith(name + "{"))
        .filter(line -> List.of(labels).stream().allMatch(line::contains))
        .toList();
  }

  @Test
  void requestsAreCountedByModelVersionProtocolAndStatus() {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);
    server.postJson("/v2/models/iris/infer", InferTest.ROW);

    List<String> lines = scrape();

    assertThat(
            series(
                lines,
                "mlsys_requests_total",
                "model=\"iris\"",
                "version=\"1\"",
                "protocol=\"v2\"",
                "status=\"200\""))
        .singleElement()
        .satisfies(line -> assertThat(line).endsWith(" 2.0"));
  }

  @Test
  void durationHistogramHasBucketsPerModelVersion() {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);

    List<String> lines = scrape();

    assertThat(
            series(
                lines, "mlsys_request_duration_seconds_bucket", "model=\"iris\"", "le=\"0.001\""))
        .hasSize(1);
    assertThat(series(lines, "mlsys_request_duration_seconds_count", "model=\"iris\""))
        .singleElement()
        .satisfies(line -> assertThat(line).endsWith(" 1"));
  }

  @Test
  void errorsAreCountedByKind() {
    server.postJson("/v2/models/iris/infer", "{broken");

    assertThat(
            series(
                scrape(), "mlsys_request_errors_total", "model=\"iris\"", "kind=\"invalid_input\""))
        .singleElement()
        .satisfies(line -> assertThat(line).endsWith(" 1.0"));
  }

  @Test
  void unknownModelNamesDoNotCreateSeries() {
    server.postJson("/v2/models/attacker-1/infer", InferTest.ROW);
    server.postJson("/v2/models/attacker-2/infer", InferTest.ROW);
    server.postJson("/v1/models/attacker-3:predict", "{}");

    List<String> lines = scrape();

    assertThat(lines).noneMatch(line -> line.contains("attacker"));
    assertThat(
            series(
                lines,
                "mlsys_requests_total",
                "model=\"_unknown\"",
                "protocol=\"v2\"",
                "status=\"404\""))
        .singleElement()
        .satisfies(line -> assertThat(line).endsWith(" 2.0"));
  }

  @Test
  void unknownVersionIsTaggedUnknown() {
    server.postJson("/v2/models/iris/versions/99/infer", InferTest.ROW);

    assertThat(scrape()).noneMatch(line -> line.contains("version=\"99\""));
  }

  @Test
  void inFlightGaugeCountsTheScrapeItself() {
    assertThat(scrape()).contains("mlsys_requests_in_flight 1.0");
  }

  @Test
  void metricsGoToTheInjectedRegistry() {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);

    assertThat(registry.get("mlsys.requests").tag("model", "iris").counter().count())
        .isEqualTo(1.0);
  }
}
