package io.mlsys.server;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.mlsys.server.config.GrpcConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The gRPC listener: grpc-java's Netty server on its own port, serving {@code
 * inference.GRPCInferenceService}, health checking ({@code grpc.health.v1}) and, when {@code
 * server.grpc.reflection} is on, server reflection ({@code grpc.reflection.v1}).
 *
 * <p>Limits ({@link GrpcConfig}) are grpc-java's own: streams per connection (advertised as
 * SETTINGS_MAX_CONCURRENT_STREAMS), RST_STREAM frames per window (a rapid-reset flood ends in
 * GOAWAY), idle connections closed, keepalive pings bounded both ways, request metadata bounded. A
 * request message that cannot be read (larger than {@code server.max-request-bytes} once
 * decompressed, or not protobuf) ends its call through {@link GrpcRequestGuard}.
 *
 * <p>Threads: gRPC's own work (framing, protobuf parsing, the interceptor) runs on Netty's event
 * loops ({@code directExecutor}); each inference service call is then handed over once to its own
 * virtual thread, as REST requests are, so a slow model, a remote call or a model load never stalls
 * a connection. grpc-java's default (every callback of a call handed to the executor) measured a
 * little more CPU per call, running the calls on the event loop about a fifth less but without that
 * safety (bench/README.md). Health checks and reflection answer from memory on the event loop.
 */
final class GrpcTransport {
  /** How often Watch callers of the health service are told about a change of readiness. */
  static final Duration HEALTH_REFRESH = Duration.ofSeconds(1);

  private final Server server;
  private final GrpcHealthService health;
  private final ExecutorService calls;
  private final ScheduledExecutorService refresher;
  private final ClientFaultLogFilter logFilter = new ClientFaultLogFilter(LogRateLimit.defaults());
  private volatile boolean started;

  /**
   * @param maxMessageBytes largest request message accepted (server.max-request-bytes)
   * @param serverVersion what ServerMetadata answers as the version
   * @param security TLS and the token check ({@code server.tls}, {@code server.auth})
   */
  GrpcTransport(
      String host,
      int port,
      long maxMessageBytes,
      GrpcConfig config,
      ServedModels served,
      Deadlines deadlines,
      RequestLimits limits,
      ServerMetrics metrics,
      LongSupplier ticker,
      GrpcCallInterceptor interceptor,
      String serverVersion,
      TransportHealth transports,
      GrpcSecurity security) {
    this.health = new GrpcHealthService(served, transports);
    this.calls = Executors.newVirtualThreadPerTaskExecutor();
    GrpcInferenceService inference =
        new GrpcInferenceService(calls, served, deadlines, limits, metrics, ticker, serverVersion);
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("mlsys-grpc-health").factory());
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .sslContext(security.sslContext())
            .intercept(security.interceptor())
            .directExecutor()
            .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, maxMessageBytes))
            .addService(
                GrpcRequestGuard.guard(ServerInterceptors.intercept(inference, interceptor)))
            .addService(GrpcRequestGuard.guard(health.bindService()));
    if (config.reflection()) {
      builder.addService(
          GrpcRequestGuard.guard(ProtoReflectionServiceV1.newInstance().bindService()));
    }
    this.server = withLimits(builder, config).build();
  }

  /** grpc-java's limits as configured. */
  static NettyServerBuilder withLimits(NettyServerBuilder builder, GrpcConfig config) {
    builder
        .maxConcurrentCallsPerConnection(config.maxConcurrentCallsPerConnection())
        .maxConnectionIdle(config.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTime(config.keepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .keepAliveTimeout(config.keepaliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
        .permitKeepAliveTime(config.permitKeepaliveTime().toNanos(), TimeUnit.NANOSECONDS)
        .maxInboundMetadataSize(config.maxInboundMetadataBytes());
    if (config.maxRstFramesPerWindow() > 0) {
      builder.maxRstFramesPerWindow(
          config.maxRstFramesPerWindow(), (int) config.rstFramesWindow().toSeconds());
    }
    return builder;
  }

  void start() {
    logFilter.install();
    try {
      server.start();
      started = true;
    } catch (IOException e) {
      throw new UncheckedIOException("gRPC: cannot listen on its port", e);
    }
    long period = HEALTH_REFRESH.toMillis();
    refresher.scheduleAtFixedRate(health::refresh, period, period, TimeUnit.MILLISECONDS);
  }

  /** The bound port, -1 when not listening. */
  int port() {
    return !started || server.isShutdown() ? -1 : server.getPort();
  }

  /**
   * Stops taking new calls; calls in flight go on. Health watchers get NOT_SERVING and then the end
   * of their stream (a graceful shutdown would otherwise wait for them). Idempotent.
   */
  void shutdown() {
    health.stopping();
    health.close();
    server.shutdown();
  }

  /**
   * After {@link #shutdown()}: waits up to {@code grace} for the calls in flight and cancels what
   * is left.
   */
  void awaitTermination(Duration grace) throws InterruptedException {
    try {
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        server.shutdownNow();
        server.awaitTermination();
      }
    } finally {
      refresher.shutdownNow();
      calls.close();
      logFilter.uninstall();
    }
  }
}
