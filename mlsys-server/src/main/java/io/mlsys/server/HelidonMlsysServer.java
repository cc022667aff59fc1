package io.mlsys.server;

import io.helidon.http.DirectHandler;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.config.GraphConfig;
import io.mlsys.config.MlsysConfig;
import io.mlsys.config.ServerConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.protocol.KServeV1Json;
import io.mlsys.protocol.OipJson;
import io.mlsys.repository.ModelRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
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

  private final ModelRepository repository;
  private final boolean loadModelsOnStart;
  private final List<AutoCloseable> closeables;
  private final WebServer webServer;
  private final Duration shutdownGrace;
  private final GrpcTransport grpc;
  private final GraphGenerations generations;
  private final GraphReload graphReload;
  private ConfigWatcher watcher;
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
      List<AutoCloseable> closeables) {
    this.repository = repository;
    this.shutdownGrace = config.shutdownGrace();
    this.loadModelsOnStart = loadModelsOnStart;
    this.closeables = closeables;
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
    AccessLog accessLog = new AccessLog(config.accessLog());
    RequestPipeline pipeline =
        new RequestPipeline(
            served, clock, ticker, requestIds, config.maxRequestBytes(), metrics, accessLog);
    OipJson oipJson = OipJson.create();
    Deadlines deadlines = new Deadlines(clock, config.defaultTimeout());
    String version = serverVersion();
    InferenceEndpoints inference =
        new InferenceEndpoints(served, oipJson, KServeV1Json.create(), deadlines);
    ManagementEndpoints management = new ManagementEndpoints(served, oipJson, metrics, version);
    RouteTable routes = routes(inference, management, new GraphEndpoints(served));
    this.webServer =
        WebServer.builder()
            .host(config.host())
            .port(config.port())
            .shutdownGracePeriod(config.shutdownGrace())
            .writeQueueLength(WRITE_QUEUE_LENGTH)
            .directHandlers(jsonDirectHandlers())
            .routing(routing -> routes.registerOn(routing, pipeline))
            .build();
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
                metrics,
                ticker,
                new GrpcCallInterceptor(requestIds, accessLog, clock, ticker),
                version);
  }

  /** Every endpoint; inference first, since Helidon tries routes in order. */
  static RouteTable routes(
      InferenceEndpoints inference, ManagementEndpoints management, GraphEndpoints graphs) {
    return new RouteTable()
        .post("/v2/models/{model}/infer", Protocol.V2, inference::inferV2)
        .post("/v2/models/{model}/versions/{version}/infer", Protocol.V2, inference::inferV2)
        // Before GET /v1/models/{model}, whose {model} would also match "iris:predict".
        .post("/v1/models/{model}:predict", Protocol.V1, inference::predictV1)
        .get("/v2/health/live", Protocol.MANAGEMENT, management::live)
        .get("/v2/health/ready", Protocol.MANAGEMENT, management::ready)
        .get("/v2", Protocol.MANAGEMENT, management::serverMetadata)
        .get("/v2/models", Protocol.MANAGEMENT, management::modelList)
        .get("/v2/models/{model}", Protocol.MANAGEMENT, management::modelMetadata)
        .get(
            "/v2/models/{model}/versions/{version}", Protocol.MANAGEMENT, management::modelMetadata)
        .get("/v2/models/{model}/ready", Protocol.MANAGEMENT, management::modelReady)
        .get(
            "/v2/models/{model}/versions/{version}/ready",
            Protocol.MANAGEMENT,
            management::modelReady)
        .get("/v2/models/{model}/stats", Protocol.MANAGEMENT, management::statistics)
        .get("/v2/models/{model}/parameters", Protocol.MANAGEMENT, graphs::parameters)
        .add(
            Method.PUT, "/v2/models/{model}/parameters", Protocol.MANAGEMENT, graphs::setParameters)
        .get(
            "/v2/models/{model}/versions/{version}/stats",
            Protocol.MANAGEMENT,
            management::statistics)
        .post("/v2/repository/index", Protocol.MANAGEMENT, management::repositoryIndex)
        .post("/v2/repository/models/{model}/load", Protocol.MANAGEMENT, management::load)
        .post("/v2/repository/models/{model}/unload", Protocol.MANAGEMENT, management::unload)
        .get("/v1/models/{model}", Protocol.MANAGEMENT, management::v1ModelStatus)
        .get("/metrics", Protocol.MANAGEMENT, management::prometheus);
  }

  /** Errors Helidon answers itself (malformed HTTP, oversized headers) as JSON too. */
  private static DirectHandlers jsonDirectHandlers() {
    DirectHandler json =
        (request, eventType, status, headers, message) ->
            DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(Reply.JSON)
                .entity(JsonDocuments.error(message == null ? status.reasonPhrase() : message))
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
    return this;
  }

  @Override
  public ModelRepository repository() {
    return repository;
  }

  @Override
  public int port() {
    return webServer.isRunning() ? webServer.port() : -1;
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
        if (webServer.isRunning()) {
          webServer.stop();
        }
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
