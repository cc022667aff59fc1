package io.mlsys.server;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's meters. Handles for each (model, version, protocol) are made once and cached, so a
 * request costs one map lookup and a few adder increments, no registry lookup. Tag values are
 * bounded: only models the repository knows get their own series; anything else is tagged {@value
 * #UNKNOWN}, and past {@value #MAX_SERIES} model series everything new is tagged {@value
 * #OVERFLOW}.
 *
 * <p>The {@code status} tag of {@code mlsys_requests_total} is the HTTP status for REST requests
 * and the gRPC status code name (such as {@code OK} or {@code INVALID_ARGUMENT}) for gRPC ones
 * ({@code protocol="grpc"}); the error kinds are the same for both.
 */
final class ServerMetrics {
  static final String UNKNOWN = "_unknown";
  static final String OVERFLOW = "_overflow";
  static final int MAX_SERIES = 1024;

  /** Latency buckets (seconds) of the request duration histogram. */
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60)
  };

  private final PrometheusMeterRegistry registry;
  private final LongAdder inFlight = new LongAdder();
  private final ConcurrentMap<Key, RequestMeters> requestMeters = new ConcurrentHashMap<>();
  private final ConcurrentMap<VersionKey, VersionStats> stats = new ConcurrentHashMap<>();

  ServerMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("mlsys.requests.in.flight", inFlight, LongAdder::sum)
        .description("Requests being handled (HTTP and gRPC)")
        .register(registry);
  }

  PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Shows the HTTP connections open ({@code mlsys_connections_open}) and returns the counter of
   * those refused over {@code server.connections.max-connections} ({@code
   * mlsys_connections_refused_total}), both tagged {@code transport="http"}.
   */
  Counter httpConnections(AtomicInteger open) {
    Gauge.builder("mlsys.connections.open", open, AtomicInteger::get)
        .tag("transport", "http")
        .description("HTTP connections open (at most server.connections.max-connections)")
        .register(registry);
    return Counter.builder("mlsys.connections.refused")
        .tag("transport", "http")
        .description("HTTP connections refused with 503 because max-connections were open")
        .register(registry);
  }

  void requestStarted() {
    inFlight.increment();
  }

  void requestFinished() {
    inFlight.decrement();
  }

  /**
   * Records one finished inference request.
   *
   * @param model the model tag: a name the repository knows, or {@value #UNKNOWN}
   * @param version the version tag: a version the repository knows, or {@value #UNKNOWN}
   * @param error null on success
   */
  void recordInference(
      String model, String version, Protocol protocol, int status, HttpError error, long nanos) {
    RequestMeters meters = meters(model, version, protocol);
    meters.requests(status).increment();
    meters.duration.record(nanos, TimeUnit.NANOSECONDS);
    if (error != null) {
      meters.errors(error.kind()).increment();
    }
    if (meters.stats != null) {
      if (error == null) {
        meters.stats.success(nanos);
      } else {
        meters.stats.failure();
      }
    }
  }

  /**
   * Records one finished gRPC inference call, tagged {@code protocol="grpc"} and {@code
   * status=<code name>}.
   *
   * @param errorKind the error's kind ({@link GrpcStatus#kind()}); null on success
   */
  void recordGrpcInference(
      String model, String version, Status.Code code, String errorKind, long nanos) {
    RequestMeters meters = meters(model, version, Protocol.GRPC);
    meters.grpcRequests(code).increment();
    meters.duration.record(nanos, TimeUnit.NANOSECONDS);
    if (errorKind != null) {
      meters.errors(errorKind).increment();
    }
    if (meters.stats != null) {
      if (errorKind == null) {
        meters.stats.success(nanos);
      } else {
        meters.stats.failure();
      }
    }
  }

  /** Statistics of a model version, empty if it has served nothing yet. */
  VersionStats.Snapshot stats(String model, String version) {
    VersionStats versionStats = stats.get(new VersionKey(model, version));
    return versionStats == null
        ? VersionStats.Snapshot.empty(model, version)
        : versionStats.snapshot();
  }

  private RequestMeters meters(String model, String version, Protocol protocol) {
    Key key = new Key(model, version, protocol);
    RequestMeters meters = requestMeters.get(key);
    if (meters != null) {
      return meters;
    }
    if (requestMeters.size() >= MAX_SERIES) {
      key = new Key(OVERFLOW, OVERFLOW, protocol);
    }
    return requestMeters.computeIfAbsent(key, this::newMeters);
  }

  private RequestMeters newMeters(Key key) {
    boolean tracked = isRealTag(key.model) && isRealTag(key.version);
    VersionStats versionStats =
        tracked
            ? stats.computeIfAbsent(
                new VersionKey(key.model, key.version),
                k -> new VersionStats(k.model(), k.version()))
            : null;
    return new RequestMeters(key, versionStats);
  }

  private static boolean isRealTag(String tag) {
    return !UNKNOWN.equals(tag) && !OVERFLOW.equals(tag);
  }

  private record Key(String model, String version, Protocol protocol) {}

  private record VersionKey(String model, String version) {}

  private final class RequestMeters {
    private final Key key;
    private final Timer duration;
    private final VersionStats stats;
    private final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);
    private final AtomicReferenceArray<Counter> byGrpcCode =
        new AtomicReferenceArray<>(Status.Code.values().length);
    private final ConcurrentMap<String, Counter> byError = new ConcurrentHashMap<>();

    RequestMeters(Key key, VersionStats stats) {
      this.key = key;
      this.stats = stats;
      this.duration =
          Timer.builder("mlsys.request.duration")
              .description(
                  "Inference request duration, from routing to the answer being ready to write")
              .tag("model", key.model)
              .tag("version", key.version)
              .tag("protocol", key.protocol.tag())
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
    }

    Counter requests(int status) {
      int index = status >= 0 && status < 600 ? status : 599;
      Counter counter = byStatus.get(index);
      if (counter == null) {
        counter = requestCounter(Integer.toString(index));
        byStatus.set(index, counter);
      }
      return counter;
    }

    Counter grpcRequests(Status.Code code) {
      Counter counter = byGrpcCode.get(code.ordinal());
      if (counter == null) {
        counter = requestCounter(code.name());
        byGrpcCode.set(code.ordinal(), counter);
      }
      return counter;
    }

    private Counter requestCounter(String status) {
      return Counter.builder("mlsys.requests")
          .description("Inference requests by outcome")
          .tag("model", key.model)
          .tag("version", key.version)
          .tag("protocol", key.protocol.tag())
          .tag("status", status)
          .register(registry);
    }

    Counter errors(String kind) {
      return byError.computeIfAbsent(
          kind,
          k ->
              Counter.builder("mlsys.request.errors")
                  .description("Failed inference requests by kind of error")
                  .tag("model", key.model)
                  .tag("version", key.version)
                  .tag("protocol", key.protocol.tag())
                  .tag("kind", k)
                  .register(registry));
    }
  }
}
