package io.mlsys.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.Span;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigTest {

  @Test
  void defaultsExportNothing() {
    TracingConfig config = TracingConfig.defaults();

    assertThat(config.enabled()).isFalse();
    assertThat(config.tracesUrl()).isNull();
    assertThat(Tracing.open(config).isEnabled()).isFalse();
  }

  @Test
  void aBaseUrlGetsTheTracesPathAndAFullUrlIsKept() {
    TracingConfig config = TracingConfig.defaults();

    assertThat(config.withOtlpEndpoint("http://collector:4318").tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(config.withOtlpEndpoint("http://collector:4318/").tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(config.withOtlpEndpoint("https://example.com/otlp/v1/traces").tracesUrl())
        .isEqualTo("https://example.com/otlp/v1/traces");
  }

  @Test
  void everyInvalidKeyIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                new TracingConfig(
                    "ftp://collector", 1.5, " ", Map.of(), Duration.ZERO, Duration.ZERO, 10, 20))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("otlp-endpoint: 'ftp://collector' (expected: an http:// or https://")
        .hasMessageContaining("sample-rate: 1.5 (expected: a number from 0 to 1)")
        .hasMessageContaining("service-name")
        .hasMessageContaining("timeout")
        .hasMessageContaining("schedule-delay")
        .hasMessageContaining("max-export-batch-size: 20 (expected: an integer from 1 to");
  }

  @Test
  void offKeepsTheCallersTraceOrStartsAnUnsampledOne() {
    Tracing off = Tracing.off(() -> 42L);

    Span kept =
        off.startRequest("GET /", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a=b");
    Span fresh = off.startRequest("GET /", null, null);

    assertThat(kept.context().traceparent())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(kept.context().traceState()).isEqualTo("a=b");
    assertThat(fresh.isRecording()).isFalse();
    assertThat(fresh.context().sampled()).isFalse();
    assertThat(fresh.traceId()).isEqualTo("000000000000002a000000000000002a");
  }
}
