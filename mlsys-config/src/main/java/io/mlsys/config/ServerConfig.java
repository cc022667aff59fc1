package io.mlsys.config;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP server settings ({@code server:} in mlsys.yaml).
 *
 * @param host interface to bind
 * @param port HTTP port; 0 picks a free one
 * @param maxRequestBytes largest accepted request body
 * @param shutdownGrace how long a stopping server waits for in-flight requests
 * @param defaultTimeout deadline applied to requests that set none; null for none
 * @param accessLog whether each request is logged as one JSON line
 */
public record ServerConfig(
    String host,
    int port,
    long maxRequestBytes,
    Duration shutdownGrace,
    Duration defaultTimeout,
    boolean accessLog) {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L * 1024 * 1024;
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

  public ServerConfig {
    host = Objects.requireNonNullElse(host, DEFAULT_HOST);
    shutdownGrace = Objects.requireNonNullElse(shutdownGrace, DEFAULT_SHUTDOWN_GRACE);
  }

  public static ServerConfig defaults() {
    return new ServerConfig(
        DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_SHUTDOWN_GRACE, null, true);
  }
}
