package io.mlsys.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.http.DirectHandler;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http1.Http1Config;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.protocol.KServeV1Json;
import io.mlsys.protocol.OipJson;
import io.mlsys.repository.ModelRepository;
import io.mlsys.server.config.ConnectionsConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@link MlsysServer} on the Helidon SE 4 webserver (one virtual thread per request), with gRPC on
 * grpc-java's Netty server ({@link GrpcTransport}) on its own port when enabled.
 */
final class HelidonMlsysServer implements MlsysServer {
  private static final System.Logger LOG = System.getLogger(HelidonMlsysServer.class.getName());

  /**
   * Responses are handed to a per-connection writer instead of written by the request's thread.
   * Measured with wrk (32 connections, one-row iris infer, 2 cores shared with wrk): p99 about
   * halves (13 ms to 6.5 ms) at the same throughput; lengths from 8 to 128 measured the same.
   * Re-checked under SerialGC (bench/README.md): 0 (the request's thread writes) was no faster and
   * its p99 slightly higher.
   */
  static final int WRITE_QUEUE_LENGTH = 32;

  private static final String HTTP1_CONFIG_NAME = "http_1_1";

  private final ModelRepository repository;
  private final boolean loadModelsOnStart;
  private final List<AutoCloseable> closeables;
  private final List<Runnable> afterStart;
  private final RestListener webServer;
  private final ConnectionGuard connectionGuard;
  private final Duration shutdownGrace;
  private final GrpcTransport grpc;
  private final GraphGenerations generations;
  private final GraphReload graphReload;
  private ConfigWatcher watcher;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  HelidonMlsysServer(
      ServerConfig config,
      ModelRepository repository,
      Clock clock,
      PrometheusMeterRegistry registry,
      Supplier<String> requestIds,
      LongSupplier ticker,
      boolean loadModelsOnStart,
      Integer grpcPort,
      Map<String, GraphConfig> graphs,
      GraphOptions graphOptions,
      GraphReload graphReload,
      RegistryHandle modelRegistry,
      List<AutoCloseable> closeables,
      List<Runnable> afterStart) {
    this.repository = repository;
    this.shutdownGrace = config.shutdownGrace();
    this.loadModelsOnStart = loadModelsOnStart;
    this.afterStart = afterStart;
    ServerMetrics metrics = new ServerMetrics(registry);
    ServedModels served = new ServedModels(repository, graphs.keySet());
    this.graphReload = graphReload;
    this.generations =
        new GraphGenerations(
            served,
            new RepositoryModelLookup(repository, metrics, ticker),
            graphOptions,
            config.shutdownGrace(),
            graphReload == null ? MlsysConfig.defaults().withGraphs(graphs) : graphReload.loaded());
    Authenticator authenticator =
        Authenticator.create(config.auth(), config.host(), new SecureRandom());
    ServerTls tls = ServerTls.create(config.tls());
    this.closeables =
        withLast(modelRegistry == null ? closeables : withLast(closeables, modelRegistry), tls);
    AccessLog accessLog = new AccessLog(config.accessLog());
    TransportHealth transportHealth = new TransportHealth();
    ConnectionsConfig connections = config.connections();
    this.connectionGuard =
        new ConnectionGuard(connections.headerReadTimeout(), connections.bodyReadTimeout(), ticker);
    RequestPipeline pipeline =
        new RequestPipeline(
            served,
            clock,
            ticker,
            requestIds,
            config.maxRequestBytes(),
            metrics,
            accessLog,
            connectionGuard);
    OipJson oipJson = OipJson.create();
    Deadlines deadlines = new Deadlines(clock, config.defaultTimeout());
    RequestLimits limits = RequestLimits.of(config.limits(), registry);
    String version = serverVersion();
    InferenceEndpoints inference =
        new InferenceEndpoints(served, oipJson, KServeV1Json.create(), deadlines, limits);
    ManagementEndpoints management =
        new ManagementEndpoints(served, oipJson, metrics, version, transportHealth);
    RouteTable routes = routes(inference, management, new GraphEndpoints(served));
    if (modelRegistry != null) {
      RegistryEndpoints.addAll(routes, modelRegistry, clock);
    }
    // Artifact uploads are streamed to disk and may exceed the limit of bodies held in memory,
    // which each endpoint still applies itself (Exchange).
    long maxPayloadBytes =
        modelRegistry == null
            ? config.maxRequestBytes()
            : Math.max(config.maxRequestBytes(), modelRegistry.config().maxArtifactBytes());
    DirectHandlers directHandlers = jsonDirectHandlers(config.maxRequestBytes());
    // Named as Helidon's own HTTP/1 config so it replaces it: with a second HTTP/1 config, Helidon
    // closes a request it cannot parse without answering 400.
    Http1Config http1 =
        Http1Config.builder().name(HTTP1_CONFIG_NAME).addReceiveListener(connectionGuard).build();
    int maxConnections = effectiveMaxConnections(connections.maxConnections(), openFileLimit());
    this.webServer =
        new RestListener(
            port ->
                WebServer.builder()
                    .host(config.host())
                    .port(port)
                    .shutdownGracePeriod(config.shutdownGrace())
                    .writeQueueLength(WRITE_QUEUE_LENGTH)
                    .directHandlers(directHandlers)
                    .addProtocol(http1)
                    // Refuses a body over the limit as it is declared (Content-Length, chunk size),
                    // before reading it.
                    .maxPayloadSize(maxPayloadBytes)
                    .maxTcpConnections(maxConnections)
                    .maxConcurrentRequests(
                        connections.maxConcurrentRequests() == 0
                            ? -1
                            : connections.maxConcurrentRequests())
                    .idleConnectionTimeout(connections.idleTimeout())
                    .idleConnectionPeriod(idleCheckPeriod(connections.idleTimeout()))
                    .tls(tls.helidonTls())
                    .routing(
                        routing ->
                            routes.registerOn(
                                routing, pipeline, new HttpGuard(authenticator, config.cors())))
                    .build(),
            config.host(),
            config.port(),
            transportHealth);
    this.grpc =
        grpcPort == null
            ? null
            : new GrpcTransport(
                config.host(),
                grpcPort,
                config.maxRequestBytes(),
                config.grpc(),
                served,
                deadlines,
                limits,
                metrics,
                ticker,
                new GrpcCallInterceptor(requestIds, accessLog, clock, ticker),
                version,
                transportHealth,
                new GrpcSecurity(tls.grpcSslContext(), new GrpcAuthInterceptor(authenticator)));
  }

  /** How often Helidon looks for idle connections: a tenth of the timeout, 100 ms to 5 s. */
  static Duration idleCheckPeriod(Duration idleTimeout) {
    long millis = Math.clamp(idleTimeout.toMillis() / 10, 100, 5_000);
    return Duration.ofMillis(millis);
  }

  /**
   * The connection limit actually applied: {@code server.connections.max-connections}, lowered to
   * three quarters of the process's open file limit when it is not below it, so that idle clients
   * cannot take the descriptors that model files, gRPC and the listener itself need (a listener
   * that runs out of them stops accepting).
   */
  static int effectiveMaxConnections(int configured, long openFileLimit) {
    if (openFileLimit <= 0 || configured < openFileLimit * 3 / 4) {
      return configured;
    }
    int lowered = (int) Math.max(1, Math.min(Integer.MAX_VALUE, openFileLimit * 3 / 4));
    LOG.log(
        Level.WARNING,
        "server.connections.max-connections ("
            + configured
            + ") lowered to "
            + lowered
            + ", three quarters of the process's open file limit ("
            + openFileLimit
            + "); raise ulimit -n to allow more connections");
    return lowered;
  }

  /** The process's open file limit, or -1 when the platform does not say. */
  private static long openFileLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  private static List<AutoCloseable> withLast(List<AutoCloseable> list, AutoCloseable last) {
    List<AutoCloseable> all = new ArrayList<>(list);
    all.add(last);
    return all;
  }

  /** Every endpoint; inference first, since Helidon tries routes in order. */
  static RouteTable routes(
      InferenceEndpoints inference, ManagementEndpoints management, GraphEndpoints graphs) {
    return new RouteTable()
        .post("/v2/models/{model}/infer", Protocol.V2, Access.INFER, inference::inferV2)
        .post(
            "/v2/models/{model}/versions/{version}/infer",
            Protocol.V2,
            Access.INFER,
            inference::inferV2)
        // Before GET /v1/models/{model}, whose {model} would also match "iris:predict".
        .post("/v1/models/{model}:predict", Protocol.V1, Access.INFER, inference::predictV1)
        .get("/v2/health/live", Protocol.MANAGEMENT, Access.OPEN, management::live)
        .get("/v2/health/ready", Protocol.MANAGEMENT, Access.OPEN, management::ready)
        .get("/v2", Protocol.MANAGEMENT, Access.READ, management::serverMetadata)
        .get("/v2/models", Protocol.MANAGEMENT, Access.READ, management::modelList)
        .get("/v2/models/{model}", Protocol.MANAGEMENT, Access.READ, management::modelMetadata)
        .get(
            "/v2/models/{model}/versions/{version}",
            Protocol.MANAGEMENT,
            Access.READ,
            management::modelMetadata)
        .get("/v2/models/{model}/ready", Protocol.MANAGEMENT, Access.OPEN, management::modelReady)
        .get(
            "/v2/models/{model}/versions/{version}/ready",
            Protocol.MANAGEMENT,
            Access.OPEN,
            management::modelReady)
        .get("/v2/models/{model}/stats", Protocol.MANAGEMENT, Access.READ, management::statistics)
        .get("/v2/models/{model}/parameters", Protocol.MANAGEMENT, Access.READ, graphs::parameters)
        .add(
            Method.PUT,
            "/v2/models/{model}/parameters",
            Protocol.MANAGEMENT,
            Access.MANAGE,
            graphs::setParameters)
        .get(
            "/v2/models/{model}/versions/{version}/stats",
            Protocol.MANAGEMENT,
            Access.READ,
            management::statistics)
        .post(
            "/v2/repository/index", Protocol.MANAGEMENT, Access.MANAGE, management::repositoryIndex)
        .post(
            "/v2/repository/models/{model}/load",
            Protocol.MANAGEMENT,
            Access.MANAGE,
            management::load)
        .post(
            "/v2/repository/models/{model}/unload",
            Protocol.MANAGEMENT,
            Access.MANAGE,
            management::unload)
        .get("/v1/models/{model}", Protocol.MANAGEMENT, Access.OPEN, management::v1ModelStatus)
        .get("/metrics", Protocol.MANAGEMENT, Access.READ, management::prometheus);
  }

  /**
   * Errors Helidon answers itself (malformed HTTP, oversized headers, a body declared over the
   * limit) as JSON too, a body over the limit with the same message as when the server finds it.
   */
  private static DirectHandlers jsonDirectHandlers(long maxRequestBytes) {
    byte[] tooLarge =
        JsonDocuments.error(new PayloadTooLargeException(maxRequestBytes).getMessage());
    DirectHandler json =
        (request, eventType, status, headers, message) ->
            DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(Reply.JSON)
                .entity(
                    status.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code()
                        ? tooLarge
                        : JsonDocuments.error(message == null ? status.reasonPhrase() : message))
                .keepAlive(eventType.keepAlive())
                .build();
    DirectHandlers.Builder builder = DirectHandlers.builder();
    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
      builder.addHandler(type, json);
    }
    return builder.build();
  }

  static String serverVersion() {
    try (InputStream in = HelidonMlsysServer.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public MlsysServer start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the server was already started (expected: one start)");
    }
    if (loadModelsOnStart) {
      // Before accepting: a defined model is "not ready" (503) until loaded, never "not found".
      repository.scan();
    }
    connectionGuard.start();
    webServer.start();
    if (grpc != null) {
      try {
        grpc.start();
      } catch (RuntimeException e) {
        webServer.stop();
        throw e;
      }
    }
    if (loadModelsOnStart) {
      repository.loadAll();
    }
    try {
      generations.start();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    if (graphReload != null && graphReload.watch()) {
      watcher =
          new ConfigWatcher(
                  graphReload.file(),
                  changed -> generations.reload(graphReload.overrides().apply(changed)))
              .start();
    }
    for (Runnable task : afterStart) {
      task.run();
    }
    return this;
  }

  @Override
  public ModelRepository repository() {
    return repository;
  }

  @Override
  public int port() {
    return webServer.port();
  }

  private void awaitGrpc() {
    try {
      grpc.awaitTermination(shutdownGrace);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public int grpcPort() {
    return grpc == null ? -1 : grpc.port();
  }

  @Override
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    if (watcher != null) {
      watcher.close();
    }
    try {
      // Both transports drain at the same time, each for up to the grace period.
      if (grpc != null) {
        grpc.shutdown();
      }
      try {
        webServer.stop();
        connectionGuard.close();
      } finally {
        if (grpc != null) {
          awaitGrpc();
        }
      }
    } finally {
      try {
        generations.close();
        repository.close();
      } finally {
        for (AutoCloseable closeable : closeables) {
          try {
            closeable.close();
          } catch (Exception e) {
            LOG.log(Level.WARNING, "closing " + closeable + " failed", e);
          }
        }
      }
    }
  }
}
