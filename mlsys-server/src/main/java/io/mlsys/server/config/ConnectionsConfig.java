package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timeouts of the HTTP connections ({@code server.connections:} in mlsys.yaml).
 *
 * @param maxConnections open HTTP connections at most, 1 to {@value #MAX_CONNECTIONS_LIMIT}; a
 *     further one is answered 503 with {@code Retry-After} at once and closed, so idle clients
 *     cannot use up the process's file descriptors
 * @param maxConcurrentRequests HTTP requests handled at once at most, beyond which they get 503; 0
 *     for no limit other than {@code maxConnections} (an HTTP/1.1 connection carries one request at
 *     a time)
 * @param idleTimeout how long a connection may wait for the next request before it is closed (> 0)
 * @param headerReadTimeout how long a client may take to send a request's line and headers, from
 *     its first byte (> 0)
 * @param bodyReadTimeout how long a client may take to send a request's body, from the end of its
 *     headers (> 0)
 */
public record ConnectionsConfig(
    int maxConnections,
    int maxConcurrentRequests,
    Duration idleTimeout,
    Duration headerReadTimeout,
    Duration bodyReadTimeout) {

  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int MAX_CONNECTIONS_LIMIT = 1_000_000;
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 0;

  /** nginx's {@code keepalive_timeout}; above the 60 s idle timeout of common load balancers. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(75);

  public static final Duration DEFAULT_HEADER_READ_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_BODY_READ_TIMEOUT = Duration.ofSeconds(60);

  static final String EXPECTED_MAX_CONNECTIONS = "an integer from 1 to " + MAX_CONNECTIONS_LIMIT;
  static final String EXPECTED_MAX_CONCURRENT_REQUESTS =
      "an integer from 0 (no limit) to " + MAX_CONNECTIONS_LIMIT;
  static final String EXPECTED_TIMEOUT = Durations.EXPECTED + ", > 0";

  /**
   * @throws ConfigException listing every invalid field
   */
  public ConnectionsConfig {
    idleTimeout = Objects.requireNonNullElse(idleTimeout, DEFAULT_IDLE_TIMEOUT);
    headerReadTimeout = Objects.requireNonNullElse(headerReadTimeout, DEFAULT_HEADER_READ_TIMEOUT);
    bodyReadTimeout = Objects.requireNonNullElse(bodyReadTimeout, DEFAULT_BODY_READ_TIMEOUT);
    Violations violations = new Violations();
    violations.check(
        maxConnections >= 1 && maxConnections <= MAX_CONNECTIONS_LIMIT,
        "max-connections",
        maxConnections,
        EXPECTED_MAX_CONNECTIONS);
    violations.check(
        maxConcurrentRequests >= 0 && maxConcurrentRequests <= MAX_CONNECTIONS_LIMIT,
        "max-concurrent-requests",
        maxConcurrentRequests,
        EXPECTED_MAX_CONCURRENT_REQUESTS);
    checkPositive(violations, "idle-timeout", idleTimeout);
    checkPositive(violations, "header-read-timeout", headerReadTimeout);
    checkPositive(violations, "body-read-timeout", bodyReadTimeout);
    violations.throwIfAny(null);
  }

  private static void checkPositive(Violations violations, String path, Duration value) {
    violations.check(!value.isNegative() && !value.isZero(), path, value, EXPECTED_TIMEOUT);
  }

  /**
   * Every default: {@value #DEFAULT_MAX_CONNECTIONS} connections, no request limit beyond them, 75
   * s idle, 10 s for the headers, 60 s for the body.
   */
  @ConfigDefaults
  public static ConnectionsConfig defaults() {
    return new ConnectionsConfig(
        DEFAULT_MAX_CONNECTIONS,
        DEFAULT_MAX_CONCURRENT_REQUESTS,
        DEFAULT_IDLE_TIMEOUT,
        DEFAULT_HEADER_READ_TIMEOUT,
        DEFAULT_BODY_READ_TIMEOUT);
  }
}
