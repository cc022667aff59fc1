package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits of the gRPC listener ({@code server.grpc:} in mlsys.yaml), each one of grpc-java's Netty
 * server settings.
 *
 * @param maxConcurrentCallsPerConnection streams one connection may have open at once (HTTP/2
 *     SETTINGS_MAX_CONCURRENT_STREAMS), >= 1
 * @param maxRstFramesPerWindow RST_STREAM frames a client may send per {@code rstFramesWindow}
 *     before the connection is closed with GOAWAY (a rapid-reset flood), >= 0; 0 for no limit
 * @param rstFramesWindow the window of {@code maxRstFramesPerWindow}, whole seconds, >= 1s
 * @param maxConnectionIdle how long a connection may go without a call before it is closed (> 0)
 * @param keepaliveTime how long a connection may be quiet before the server pings the client (> 0)
 * @param keepaliveTimeout how long the server waits for the answer to its ping before it closes the
 *     connection (> 0)
 * @param permitKeepaliveTime how often a client may ping at most; more often ends the connection
 *     with GOAWAY ENHANCE_YOUR_CALM (>= 0)
 * @param maxInboundMetadataBytes largest request metadata (headers) accepted, 1 KiB to 1 MiB
 * @param reflection whether the gRPC server reflection service ({@code grpc.reflection.v1}) is
 *     served
 */
public record GrpcConfig(
    int maxConcurrentCallsPerConnection,
    int maxRstFramesPerWindow,
    Duration rstFramesWindow,
    Duration maxConnectionIdle,
    Duration keepaliveTime,
    Duration keepaliveTimeout,
    Duration permitKeepaliveTime,
    int maxInboundMetadataBytes,
    boolean reflection) {

  public static final int DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION = 100;
  public static final int DEFAULT_MAX_RST_FRAMES_PER_WINDOW = 200;
  public static final Duration DEFAULT_RST_FRAMES_WINDOW = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_CONNECTION_IDLE = Duration.ofMinutes(5);
  public static final Duration DEFAULT_KEEPALIVE_TIME = Duration.ofMinutes(2);
  public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(20);

  /** grpc-java's default, which clients are written against. */
  public static final Duration DEFAULT_PERMIT_KEEPALIVE_TIME = Duration.ofMinutes(5);

  /** grpc-java's default; the largest status trailer the server sends stays well below it. */
  public static final int DEFAULT_MAX_INBOUND_METADATA_BYTES = 8 * 1024;

  public static final boolean DEFAULT_REFLECTION = false;

  public static final int MIN_INBOUND_METADATA_BYTES = 1024;
  public static final int MAX_INBOUND_METADATA_BYTES = 1024 * 1024;

  static final String EXPECTED_CALLS = "an integer >= 1";
  static final String EXPECTED_RST_FRAMES = "an integer >= 0; 0 for no limit";
  static final String EXPECTED_RST_WINDOW = "a whole number of seconds such as 10s, >= 1s";
  static final String EXPECTED_POSITIVE = Durations.EXPECTED + ", > 0";
  static final String EXPECTED_NOT_NEGATIVE = Durations.EXPECTED + ", >= 0";
  static final String EXPECTED_METADATA_BYTES =
      "an integer from " + MIN_INBOUND_METADATA_BYTES + " to " + MAX_INBOUND_METADATA_BYTES;

  /**
   * Null durations mean their defaults.
   *
   * @throws ConfigException listing every invalid field
   */
  public GrpcConfig {
    rstFramesWindow = Objects.requireNonNullElse(rstFramesWindow, DEFAULT_RST_FRAMES_WINDOW);
    maxConnectionIdle = Objects.requireNonNullElse(maxConnectionIdle, DEFAULT_MAX_CONNECTION_IDLE);
    keepaliveTime = Objects.requireNonNullElse(keepaliveTime, DEFAULT_KEEPALIVE_TIME);
    keepaliveTimeout = Objects.requireNonNullElse(keepaliveTimeout, DEFAULT_KEEPALIVE_TIMEOUT);
    permitKeepaliveTime =
        Objects.requireNonNullElse(permitKeepaliveTime, DEFAULT_PERMIT_KEEPALIVE_TIME);
    Violations violations = new Violations();
    violations.check(
        maxConcurrentCallsPerConnection >= 1,
        "max-concurrent-calls-per-connection",
        maxConcurrentCallsPerConnection,
        EXPECTED_CALLS);
    violations.check(
        maxRstFramesPerWindow >= 0,
        "max-rst-frames-per-window",
        maxRstFramesPerWindow,
        EXPECTED_RST_FRAMES);
    violations.check(
        rstFramesWindow.getSeconds() >= 1
            && rstFramesWindow.getNano() == 0
            && rstFramesWindow.getSeconds() <= Integer.MAX_VALUE,
        "rst-frames-window",
        rstFramesWindow,
        EXPECTED_RST_WINDOW);
    checkPositive(violations, "max-connection-idle", maxConnectionIdle);
    checkPositive(violations, "keepalive-time", keepaliveTime);
    checkPositive(violations, "keepalive-timeout", keepaliveTimeout);
    violations.check(
        !permitKeepaliveTime.isNegative(),
        "permit-keepalive-time",
        permitKeepaliveTime,
        EXPECTED_NOT_NEGATIVE);
    violations.check(
        maxInboundMetadataBytes >= MIN_INBOUND_METADATA_BYTES
            && maxInboundMetadataBytes <= MAX_INBOUND_METADATA_BYTES,
        "max-inbound-metadata-bytes",
        maxInboundMetadataBytes,
        EXPECTED_METADATA_BYTES);
    violations.throwIfAny(null);
  }

  private static void checkPositive(Violations violations, String path, Duration value) {
    violations.check(!value.isNegative() && !value.isZero(), path, value, EXPECTED_POSITIVE);
  }

  /** Every default: 100 calls per connection, 200 resets per 10 s, reflection off. */
  @ConfigDefaults
  public static GrpcConfig defaults() {
    return new GrpcConfig(
        DEFAULT_MAX_CONCURRENT_CALLS_PER_CONNECTION,
        DEFAULT_MAX_RST_FRAMES_PER_WINDOW,
        DEFAULT_RST_FRAMES_WINDOW,
        DEFAULT_MAX_CONNECTION_IDLE,
        DEFAULT_KEEPALIVE_TIME,
        DEFAULT_KEEPALIVE_TIMEOUT,
        DEFAULT_PERMIT_KEEPALIVE_TIME,
        DEFAULT_MAX_INBOUND_METADATA_BYTES,
        DEFAULT_REFLECTION);
  }

  /** The same limits with reflection on or off. */
  public GrpcConfig withReflection(boolean newReflection) {
    return new GrpcConfig(
        maxConcurrentCallsPerConnection,
        maxRstFramesPerWindow,
        rstFramesWindow,
        maxConnectionIdle,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxInboundMetadataBytes,
        newReflection);
  }

  /** The same limits with this many concurrent calls per connection. */
  public GrpcConfig withMaxConcurrentCallsPerConnection(int calls) {
    return new GrpcConfig(
        calls,
        maxRstFramesPerWindow,
        rstFramesWindow,
        maxConnectionIdle,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxInboundMetadataBytes,
        reflection);
  }

  /** The same limits with this many RST_STREAM frames allowed per window. */
  public GrpcConfig withMaxRstFrames(int frames, Duration window) {
    return new GrpcConfig(
        maxConcurrentCallsPerConnection,
        frames,
        window,
        maxConnectionIdle,
        keepaliveTime,
        keepaliveTimeout,
        permitKeepaliveTime,
        maxInboundMetadataBytes,
        reflection);
  }
}
