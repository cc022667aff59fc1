package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import io.mlsys.resilience.LimitsConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * HTTP server settings ({@code server:} in mlsys.yaml).
 *
 * @param host interface to bind; null means {@value #DEFAULT_HOST}
 * @param port HTTP port, 0 to 65535; 0 picks a free one
 * @param maxRequestBytes largest accepted request body, 1 to {@value #MAX_REQUEST_BYTES_LIMIT}
 * @param shutdownGrace how long a stopping server waits for in-flight requests (>= 0); null means
 *     30 seconds
 * @param defaultTimeout deadline applied to requests that set none (> 0); null for none (the loader
 *     and {@link #defaults()} use {@link #DEFAULT_DEFAULT_TIMEOUT})
 * @param accessLog whether and how each request is logged as one JSON line; null means the defaults
 *     (every request to standard output)
 * @param grpcPort the port of the gRPC listener, 0 to 65535 (0 picks a free one), other than the
 *     HTTP port; null turns the listener off
 * @param watchConfig whether the server reloads its graphs when mlsys.yaml changes
 * @param connections limits and timeouts of the HTTP connections; null means the defaults
 * @param limits bounds on the work of requests; null means the defaults
 * @param grpc limits of the gRPC listener; null means the defaults
 * @param auth who may call which endpoint; null means the defaults
 * @param cors cross-origin requests; null means the defaults (none allowed)
 * @param tls TLS on both ports; null means the defaults (plain text)
 */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    Duration shutdownGrace,
    Duration defaultTimeout,
    AccessLogConfig accessLog,
    Integer grpcPort,
    boolean watchConfig,
    ConnectionsConfig connections,
    LimitsConfig limits,
    GrpcConfig grpc,
    AuthConfig auth,
    CorsConfig cors,
    TlsConfig tls) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L * 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final boolean DEFAULT_ACCESS_LOG = true;
  public static final int DEFAULT_GRPC_PORT = 8081;
  public static final boolean DEFAULT_WATCH_CONFIG = true;

  /**
   * A request that sets no deadline still gets one, so work nobody waits for anymore ends (504).
   */
  public static final Duration DEFAULT_DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** Request bodies are read into one array, so they cannot be larger than this. */
  public static final long MAX_REQUEST_BYTES_LIMIT = Integer.MAX_VALUE;

  static final String EXPECTED_HOST = "a host name or IP address to bind";
  static final String EXPECTED_PORT = "an integer from 0 to 65535";
  static final String EXPECTED_GRPC_PORT =
      "an integer from 0 to 65535, or null for no gRPC listener";
  static final String EXPECTED_MAX_REQUEST_BYTES =
      "an integer from 1 to " + MAX_REQUEST_BYTES_LIMIT;
  static final String EXPECTED_SHUTDOWN_GRACE = Durations.EXPECTED + ", >= 0";
  static final String EXPECTED_DEFAULT_TIMEOUT =
      Durations.EXPECTED + ", > 0, or null for no timeout";

  /**
   * @throws ConfigException listing every invalid field
   */
  public ServerConfig {
    host = Objects.requireNonNullElse(host, DEFAULT_HOST);
    shutdownGrace = Objects.requireNonNullElse(shutdownGrace, DEFAULT_SHUTDOWN_GRACE);
    accessLog = Objects.requireNonNullElseGet(accessLog, AccessLogConfig::defaults);
    connections = Objects.requireNonNullElseGet(connections, ConnectionsConfig::defaults);
    limits = Objects.requireNonNullElseGet(limits, LimitsConfig::defaults);
    grpc = Objects.requireNonNullElseGet(grpc, GrpcConfig::defaults);
    auth = Objects.requireNonNullElseGet(auth, AuthConfig::defaults);
    cors = Objects.requireNonNullElseGet(cors, CorsConfig::defaults);
    tls = Objects.requireNonNullElseGet(tls, TlsConfig::defaults);
    Violations violations = new Violations();
    violations.check(!host.isBlank(), "host", host, EXPECTED_HOST);
    violations.check(port >= 0 && port <= 65535, "port", port, EXPECTED_PORT);
    violations.check(
        maxRequestBytes >= 1 && maxRequestBytes <= MAX_REQUEST_BYTES_LIMIT,
        "max-request-bytes",
        maxRequestBytes,
        EXPECTED_MAX_REQUEST_BYTES);
    violations.check(
        !shutdownGrace.isNegative(), "shutdown-grace", shutdownGrace, EXPECTED_SHUTDOWN_GRACE);
    violations.check(
        defaultTimeout == null || (!defaultTimeout.isNegative() && !defaultTimeout.isZero()),
        "default-timeout",
        defaultTimeout,
        EXPECTED_DEFAULT_TIMEOUT);
    if (grpcPort != null) {
      violations.check(
          grpcPort >= 0 && grpcPort <= 65535, "grpc-port", grpcPort, EXPECTED_GRPC_PORT);
      violations.check(
          grpcPort == 0 || grpcPort != port,
          "grpc-port",
          grpcPort,
          "a port other than server.port, or null for no gRPC listener");
    }
    violations.throwIfAny(null);
  }

  /**
   * Every default: {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, gRPC on {@value
   * #DEFAULT_GRPC_PORT}, 16 MiB bodies, a 30 s default timeout, config watching on.
   */
  @ConfigDefaults
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_MAX_REQUEST_BYTES,
        DEFAULT_SHUTDOWN_GRACE,
        DEFAULT_DEFAULT_TIMEOUT,
        AccessLogConfig.enabled(DEFAULT_ACCESS_LOG),
        DEFAULT_GRPC_PORT,
        DEFAULT_WATCH_CONFIG,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public ServerConfig withHost(String newHost) {
    return copy(draft -> draft.host = newHost);
  }

  public ServerConfig withPort(int newPort) {
    return copy(draft -> draft.port = newPort);
  }

  public ServerConfig withMaxRequestBytes(long newMaxRequestBytes) {
    return copy(draft -> draft.maxRequestBytes = newMaxRequestBytes);
  }

  public ServerConfig withShutdownGrace(Duration newShutdownGrace) {
    return copy(draft -> draft.shutdownGrace = newShutdownGrace);
  }

  /** The same settings with this default request timeout; null for none. */
  public ServerConfig withDefaultTimeout(Duration newDefaultTimeout) {
    return copy(draft -> draft.defaultTimeout = newDefaultTimeout);
  }

  /** The same settings with the access log on (with its other settings kept) or off. */
  public ServerConfig withAccessLog(boolean newAccessLog) {
    return withAccessLog(
        new AccessLogConfig(
            newAccessLog,
            accessLog.level(),
            accessLog.sampleRate(),
            accessLog.errors(),
            accessLog.file(),
            accessLog.maxFileBytes(),
            accessLog.maxFiles()));
  }

  public ServerConfig withAccessLog(AccessLogConfig newAccessLog) {
    return copy(draft -> draft.accessLog = newAccessLog);
  }

  /** The same settings with this gRPC port: 0 picks a free one, null turns gRPC off. */
  public ServerConfig withGrpcPort(Integer newGrpcPort) {
    return copy(draft -> draft.grpcPort = newGrpcPort);
  }

  public ServerConfig withWatchConfig(boolean newWatchConfig) {
    return copy(draft -> draft.watchConfig = newWatchConfig);
  }

  public ServerConfig withConnections(ConnectionsConfig newConnections) {
    return copy(draft -> draft.connections = newConnections);
  }

  public ServerConfig withLimits(LimitsConfig newLimits) {
    return copy(draft -> draft.limits = newLimits);
  }

  public ServerConfig withGrpc(GrpcConfig newGrpc) {
    return copy(draft -> draft.grpc = newGrpc);
  }

  public ServerConfig withAuth(AuthConfig newAuth) {
    return copy(draft -> draft.auth = newAuth);
  }

  public ServerConfig withCors(CorsConfig newCors) {
    return copy(draft -> draft.cors = newCors);
  }

  public ServerConfig withTls(TlsConfig newTls) {
    return copy(draft -> draft.tls = newTls);
  }

  /** A copy with one change: each {@code with...} method changes its fields of a draft. */
  private ServerConfig copy(Consumer<Draft> change) {
    Draft draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** The fields of a config being copied; built once, through the checking constructor. */
  private static final class Draft {
    private String host;
    private int port;
    private long maxRequestBytes;
    private Duration shutdownGrace;
    private Duration defaultTimeout;
    private AccessLogConfig accessLog;
    private Integer grpcPort;
    private boolean watchConfig;
    private ConnectionsConfig connections;
    private LimitsConfig limits;
    private GrpcConfig grpc;
    private AuthConfig auth;
    private CorsConfig cors;
    private TlsConfig tls;

    Draft(ServerConfig config) {
      host = config.host;
      port = config.port;
      maxRequestBytes = config.maxRequestBytes;
      shutdownGrace = config.shutdownGrace;
      defaultTimeout = config.defaultTimeout;
      accessLog = config.accessLog;
      grpcPort = config.grpcPort;
      watchConfig = config.watchConfig;
      connections = config.connections;
      limits = config.limits;
      grpc = config.grpc;
      auth = config.auth;
      cors = config.cors;
      tls = config.tls;
    }

    ServerConfig build() {
      return new ServerConfig(
          host,
          port,
          maxRequestBytes,
          shutdownGrace,
          defaultTimeout,
          accessLog,
          grpcPort,
          watchConfig,
          connections,
          limits,
          grpc,
          auth,
          cors,
          tls);
    }
  }
}
