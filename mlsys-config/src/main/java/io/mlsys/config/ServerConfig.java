package io.mlsys.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP server settings ({@code server:} in mlsys.yaml).
 *
 * @param host interface to bind; null means {@value #DEFAULT_HOST}
 * @param port HTTP port, 0 to 65535; 0 picks a free one
 * @param maxRequestBytes largest accepted request body, 1 to {@value #MAX_REQUEST_BYTES_LIMIT}
 * @param shutdownGrace how long a stopping server waits for in-flight requests (>= 0); null means
 *     30 seconds
 * @param defaultTimeout deadline applied to requests that set none (> 0); null for none
 * @param accessLog whether each request is logged as one JSON line
 * @param grpcPort the port of the gRPC listener, 0 to 65535 (0 picks a free one), other than the
 *     HTTP port; null turns the listener off
 * @param watchConfig whether the server reloads its graphs when mlsys.yaml changes
 */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    Duration shutdownGrace,
    Duration defaultTimeout,
    boolean accessLog,
    Integer grpcPort,
    boolean watchConfig) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L * 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
  public static final boolean DEFAULT_ACCESS_LOG = true;
  public static final int DEFAULT_GRPC_PORT = 8081;
  public static final boolean DEFAULT_WATCH_CONFIG = true;

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
      Durations.EXPECTED + ", > 0; leave it out for no timeout";

  /**
   * @throws ConfigException listing every invalid field
   */
  public ServerConfig {
    host = Objects.requireNonNullElse(host, DEFAULT_HOST);
    shutdownGrace = Objects.requireNonNullElse(shutdownGrace, DEFAULT_SHUTDOWN_GRACE);
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
   * The settings before gRPC and config watching existed: gRPC on {@value #DEFAULT_GRPC_PORT},
   * config watching on.
   */
  public ServerConfig(
      String host,
      int port,
      long maxRequestBytes,
      Duration shutdownGrace,
      Duration defaultTimeout,
      boolean accessLog) {
    this(
        host,
        port,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        DEFAULT_GRPC_PORT,
        DEFAULT_WATCH_CONFIG);
  }

  /**
   * Every default: {@value #DEFAULT_HOST}:{@value #DEFAULT_PORT}, gRPC on {@value
   * #DEFAULT_GRPC_PORT}, 16 MiB bodies, no timeout, config watching on.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DEFAULT_MAX_REQUEST_BYTES,
        DEFAULT_SHUTDOWN_GRACE,
        null,
        DEFAULT_ACCESS_LOG,
        DEFAULT_GRPC_PORT,
        DEFAULT_WATCH_CONFIG);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(
        newHost,
        port,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        grpcPort,
        watchConfig);
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host,
        newPort,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        grpcPort,
        watchConfig);
  }

  public ServerConfig withMaxRequestBytes(long newMaxRequestBytes) {
    return new ServerConfig(
        host,
        port,
        newMaxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        grpcPort,
        watchConfig);
  }

  public ServerConfig withShutdownGrace(Duration newShutdownGrace) {
    return new ServerConfig(
        host,
        port,
        maxRequestBytes,
        newShutdownGrace,
        defaultTimeout,
        accessLog,
        grpcPort,
        watchConfig);
  }

  /** The same settings with this default request timeout; null for none. */
  public ServerConfig withDefaultTimeout(Duration newDefaultTimeout) {
    return new ServerConfig(
        host,
        port,
        maxRequestBytes,
        shutdownGrace,
        newDefaultTimeout,
        accessLog,
        grpcPort,
        watchConfig);
  }

  public ServerConfig withAccessLog(boolean newAccessLog) {
    return new ServerConfig(
        host,
        port,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        newAccessLog,
        grpcPort,
        watchConfig);
  }

  /** The same settings with this gRPC port: 0 picks a free one, null turns gRPC off. */
  public ServerConfig withGrpcPort(Integer newGrpcPort) {
    return new ServerConfig(
        host,
        port,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        newGrpcPort,
        watchConfig);
  }

  public ServerConfig withWatchConfig(boolean newWatchConfig) {
    return new ServerConfig(
        host,
        port,
        maxRequestBytes,
        shutdownGrace,
        defaultTimeout,
        accessLog,
        grpcPort,
        newWatchConfig);
  }
}
