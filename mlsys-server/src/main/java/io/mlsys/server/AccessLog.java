package io.mlsys.server;

import io.mlsys.core.CountedSampler;
import io.mlsys.server.config.AccessLogConfig;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Writes one JSON line per request to the java.util.logging logger {@value
 * MlsysServer#ACCESS_LOGGER}: time, request id, method, path, status, duration, model, version and
 * bytes in and out, plus the gRPC status for a gRPC call (whose HTTP status is always 200; its path
 * is the full method name and its bytes are the protobuf messages' sizes). Pair the logger with
 * {@link JsonLineFormatter} (and {@link AsyncLogHandler} so writing never holds up a request).
 *
 * <p>Lines are written at the configured level ({@code server.access-log.level}) and may be sampled
 * ({@code sample-rate}): the sample is counted, not drawn (at 0.1, every tenth request), so it is
 * exact and needs no randomness. Failed requests (HTTP status >= 400, gRPC status other than OK and
 * CANCELLED) are logged whatever the rate unless {@code errors: sampled}.
 */
final class AccessLog {
  private final boolean enabled;
  private final Level level;
  private final double sampleRate;
  private final boolean sampleErrors;
  private final CountedSampler sampler;
  // Held so the logger (and the handlers set on it) is not garbage collected while we run.
  private final Logger logger;

  AccessLog(AccessLogConfig config) {
    this.enabled = config.enabled();
    this.level = julLevel(config.level());
    this.sampleRate = config.sampleRate();
    this.sampler = new CountedSampler(sampleRate);
    this.sampleErrors = config.errors() == AccessLogConfig.Errors.SAMPLED;
    this.logger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
  }

  /** java.util.logging's level for a System.Logger level (as the JDK's own bridge maps them). */
  static Level julLevel(System.Logger.Level level) {
    return switch (level) {
      case ALL -> Level.ALL;
      case TRACE -> Level.FINER;
      case DEBUG -> Level.FINE;
      case INFO -> Level.INFO;
      case WARNING -> Level.WARNING;
      case ERROR -> Level.SEVERE;
      case OFF -> Level.OFF;
    };
  }

  /** Whether any line may be written: callers skip building entries otherwise. */
  boolean isEnabled() {
    return enabled && logger.isLoggable(level);
  }

  /**
   * One access-log line's facts; {@code model} and {@code version} may be null, {@code grpcStatus}
   * is null for an HTTP request.
   */
  record Entry(
      Instant time,
      String requestId,
      String method,
      String path,
      int status,
      long durationNanos,
      String model,
      String version,
      long bytesIn,
      long bytesOut,
      String grpcStatus,
      String traceId) {}

  void log(Entry entry) {
    if (isSampled(entry)) {
      logger.log(level, line(entry));
    }
  }

  private boolean isSampled(Entry entry) {
    if (sampleRate >= 1 || (!sampleErrors && isError(entry))) {
      return true;
    }
    return sampler.take();
  }

  /** HTTP status >= 400, or a gRPC status other than OK (and a client's own CANCELLED). */
  static boolean isError(Entry entry) {
    if (entry.grpcStatus() != null) {
      return !entry.grpcStatus().equals("OK") && !entry.grpcStatus().equals("CANCELLED");
    }
    return entry.status() >= 400;
  }

  static String line(Entry entry) {
    StringBuilder json = new StringBuilder(192 + entry.path().length());
    json.append("{\"time\":\"").append(entry.time()).append('"');
    json.append(",\"request_id\":");
    quote(json, entry.requestId());
    json.append(",\"method\":");
    quote(json, entry.method());
    json.append(",\"path\":");
    quote(json, entry.path());
    json.append(",\"status\":").append(entry.status());
    if (entry.grpcStatus() != null) {
      json.append(",\"grpc_status\":");
      quote(json, entry.grpcStatus());
    }
    json.append(",\"duration_us\":").append(entry.durationNanos() / 1000);
    json.append(",\"model\":");
    quote(json, entry.model());
    json.append(",\"version\":");
    quote(json, entry.version());
    json.append(",\"bytes_in\":").append(entry.bytesIn());
    json.append(",\"bytes_out\":").append(entry.bytesOut());
    json.append(",\"trace_id\":");
    quote(json, entry.traceId());
    return json.append('}').toString();
  }

  /**
   * Appends a JSON string literal (or null); escapes quotes, backslashes and control characters.
   */
  static void quote(StringBuilder json, String value) {
    if (value == null) {
      json.append("null");
      return;
    }
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
