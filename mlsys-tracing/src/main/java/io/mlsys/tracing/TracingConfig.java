package io.mlsys.tracing;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Tracing ({@code tracing:} in mlsys.yaml): where spans are exported and how many. Off (no
 * endpoint) by default; the W3C trace context is still read from requests, passed to remote nodes
 * and written into the access log and the prediction log either way.
 *
 * @param otlpEndpoint the OTLP/HTTP traces endpoint of a collector ({@code
 *     http://localhost:4318/v1/traces}; a URL without a path gets {@code /v1/traces}); null turns
 *     exporting off
 * @param sampleRate the fraction of new traces recorded, 0 to 1; a request that carries a {@code
 *     traceparent} follows the caller's sampled flag instead
 * @param serviceName the {@code service.name} resource attribute of every span
 * @param headers HTTP headers sent with every export (a collector's API key, such as {@code
 *     ${OTLP_TOKEN}}); none by default
 * @param timeout how long one export may take before it is abandoned (its spans are lost)
 * @param scheduleDelay the longest a finished span waits before it is exported
 * @param maxQueueSize finished spans held for export, >= 1; when the collector cannot keep up,
 *     newer spans are dropped, never requests slowed
 * @param maxExportBatchSize the most spans sent in one export, 1 to {@code max-queue-size}
 */
public record TracingConfig(
    String otlpEndpoint,
    double sampleRate,
    String serviceName,
    Map<String, String> headers,
    Duration timeout,
    Duration scheduleDelay,
    int maxQueueSize,
    int maxExportBatchSize) {

  public static final double DEFAULT_SAMPLE_RATE = 1.0;
  public static final String DEFAULT_SERVICE_NAME = "mlsys";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_SCHEDULE_DELAY = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_QUEUE_SIZE = 2048;
  public static final int DEFAULT_MAX_EXPORT_BATCH_SIZE = 512;

  /** The OTLP/HTTP path of the traces signal. */
  public static final String TRACES_PATH = "/v1/traces";

  /**
   * @throws ConfigException listing every invalid field
   */
  public TracingConfig {
    serviceName = Objects.requireNonNullElse(serviceName, DEFAULT_SERVICE_NAME);
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    timeout = Objects.requireNonNullElse(timeout, DEFAULT_TIMEOUT);
    scheduleDelay = Objects.requireNonNullElse(scheduleDelay, DEFAULT_SCHEDULE_DELAY);
    Violations violations = new Violations();
    violations.check(
        otlpEndpoint == null || isHttpUrl(otlpEndpoint),
        "otlp-endpoint",
        otlpEndpoint,
        "an http:// or https:// URL such as http://localhost:4318/v1/traces");
    violations.check(
        sampleRate >= 0 && sampleRate <= 1, "sample-rate", sampleRate, "a number from 0 to 1");
    violations.check(!serviceName.isBlank(), "service-name", serviceName, "a non-empty name");
    violations.check(timeout.isPositive(), "timeout", timeout, "a positive duration");
    violations.check(
        scheduleDelay.isPositive(), "schedule-delay", scheduleDelay, "a positive duration");
    violations.check(maxQueueSize >= 1, "max-queue-size", maxQueueSize, "an integer >= 1");
    violations.check(
        maxExportBatchSize >= 1 && maxExportBatchSize <= maxQueueSize,
        "max-export-batch-size",
        maxExportBatchSize,
        "an integer from 1 to max-queue-size (" + maxQueueSize + ")");
    violations.throwIfAny(null);
  }

  /** Exporting off; every other key at its default. */
  @ConfigDefaults
  public static TracingConfig defaults() {
    return new TracingConfig(
        null,
        DEFAULT_SAMPLE_RATE,
        DEFAULT_SERVICE_NAME,
        Map.of(),
        DEFAULT_TIMEOUT,
        DEFAULT_SCHEDULE_DELAY,
        DEFAULT_MAX_QUEUE_SIZE,
        DEFAULT_MAX_EXPORT_BATCH_SIZE);
  }

  /** Whether spans are exported. */
  public boolean enabled() {
    return otlpEndpoint != null;
  }

  /** The endpoint spans are posted to: {@link #otlpEndpoint}, with {@value #TRACES_PATH} added. */
  public String tracesUrl() {
    if (otlpEndpoint == null) {
      return null;
    }
    String path = URI.create(otlpEndpoint).getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return otlpEndpoint.replaceFirst("/?$", "") + TRACES_PATH;
    }
    return otlpEndpoint;
  }

  public TracingConfig withOtlpEndpoint(String newEndpoint) {
    return new TracingConfig(
        newEndpoint,
        sampleRate,
        serviceName,
        headers,
        timeout,
        scheduleDelay,
        maxQueueSize,
        maxExportBatchSize);
  }

  public TracingConfig withSampleRate(double newSampleRate) {
    return new TracingConfig(
        otlpEndpoint,
        newSampleRate,
        serviceName,
        headers,
        timeout,
        scheduleDelay,
        maxQueueSize,
        maxExportBatchSize);
  }

  public TracingConfig withScheduleDelay(Duration newScheduleDelay) {
    return new TracingConfig(
        otlpEndpoint,
        sampleRate,
        serviceName,
        headers,
        timeout,
        newScheduleDelay,
        maxQueueSize,
        maxExportBatchSize);
  }

  private static boolean isHttpUrl(String text) {
    try {
      URI uri = URI.create(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null
          && uri.getQuery() == null
          && uri.getFragment() == null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
