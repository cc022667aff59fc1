package io.mlsys.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.helidon.http.DirectHandler;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.cache.PredictionCaches;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.experiments.Experiments;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.monitoring.Monitors;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.protocol.KServeV1Json;
import io.mlsys.protocol.OipJson;
import io.mlsys.queue.JobRunner;
import io.mlsys.queue.Jobs;
import io.mlsys.repository.ModelRepository;
import io.mlsys.server.config.ConnectionsConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.tracing.Tracing;
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
  private final MeterRegistry meterRegistry;
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
  private final List<Runnable> afterStart;
  private final RestListener webServer;
  private final ConnectionGuard connectionGuard;
  private final Duration shutdownGrace;
  private final GrpcTransport grpc;
  private final GraphGenerations generations;
  private final GraphReload graphReload;
  private final Jobs jobs;
  private final JobRunner jobRunner;
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
      PredictionLog predictionLog,
      PredictionCaches predictionCaches,
      Experiments experiments,
      Monitors monitors,
      Tracing tracing,
      Jobs jobs,
      List<AutoCloseable> closeables,
      List<Runnable> afterStart) {
    this.repository = repository;
    this.meterRegistry = registry;
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
            connectionGuard,
            tracing);
    OipJson oipJson = OipJson.create();
    Deadlines deadlines = new Deadlines(clock, config.defaultTimeout());
    RequestLimits limits = RequestLimits.of(config.limits(), registry);
    String version = serverVersion();
    JobEndpoints jobEndpoints = jobs == null ? null : new JobEndpoints(jobs, served, oipJson);
    this.jobs = jobs;
    this.jobRunner = jobs == null ? null : new ServedJobRunner(served, oipJson, deadlines, clock);
    InferenceEndpoints inference =
        new InferenceEndpoints(
            served, oipJson, KServeV1Json.create(), deadlines, limits, jobEndpoints);
    ManagementEndpoints management =
        new ManagementEndpoints(served, oipJson, metrics, version, transportHealth);
    RouteTable routes = routes(inference, management, new GraphEndpoints(served));
    if (modelRegistry != null) {
      RegistryEndpoints.addAll(routes, modelRegistry, clock);
    }
    if (predictionLog != null) {
      new PredictionLogEndpoints(predictionLog, clock).addTo(routes);
    }
    new CacheEndpoints(predictionCaches).addTo(routes);
    if (experiments != null) {
      new ExperimentEndpoints(experiments, served, modelRegistry).addTo(routes);
      // Guardrails stop an arm as PUT /v2/models/{graph}/parameters would, audited.
      experiments.parameterChanger(
          (graph, changes, who) -> served.graphs().setParameters(graph, changes, who));
      if (predictionLog != null) {
        experiments.feedbackSource(new PredictionLogFeedback(predictionLog));
      }
    }
    if (monitors != null) {
      new MonitorEndpoints(monitors).addTo(routes);
    }
    if (predictionLog != null) {
      new MonitorReportEndpoint(predictionLog, monitors, clock).addTo(routes);
    }
    if (jobEndpoints != null) {
      jobEndpoints.addTo(routes);
    }
    // Artifact uploads are streamed to disk and may exceed the limit of bodies held in memory,
    // which each endpoint still applies itself (Exchange).
    // Beyond the limit, Helidon's own refusal closes the connection unread; up to LINGER_BYTES
    // over it, the endpoint reads the rest so the client can read its 413 (Exchange).
    long maxPayloadBytes =
        (modelRegistry == null
                ? config.maxRequestBytes()
                : Math.max(config.maxRequestBytes(), modelRegistry.config().maxArtifactBytes()))
            + Exchange.LINGER_BYTES;
    DirectHandlers directHandlers = jsonDirectHandlers(config.maxRequestBytes());
    Http1Config http1 = Http1Config.builder().addReceiveListener(connectionGuard).build();
    long openFileLimit = openFileLimit();
    int maxConnections = effectiveMaxConnections(connections.maxConnections(), openFileLimit);
    // The listener's only connection selector (no protocol configs are discovered): with a second
    // one, Helidon waits for a client's first bytes before handing its connection over (so a
    // refusal would wait too), and closes a request no selector can parse without answering 400.
    // No upgraders (h2c, WebSocket): their modules are not on the class path.
    ConnectionLimit connectionLimit =
        new ConnectionLimit(
            Http1ConnectionSelector.builder().config(http1).build(),
            maxConnections,
            connectionGuard,
            connections.headerReadTimeout(),
            metrics,
            new RateLimitedLogger(
                System.getLogger(ConnectionLimit.class.getName()),
                new LogRateLimit(1, LogRateLimit.DEFAULT_WINDOW, ticker)));
    int hardConnectionCap = hardConnectionCap(maxConnections, openFileLimit);
    this.webServer =
        new RestListener(
            port ->
                WebServer.builder()
                    .host(config.host())
                    .port(port)
                    .shutdownGracePeriod(config.shutdownGrace())
                    .writeQueueLength(WRITE_QUEUE_LENGTH)
                    .directHandlers(directHandlers)
                    .protocolsDiscoverServices(false)
                    .addConnectionSelector(connectionLimit)
                    // Refuses a body over the limit as it is declared (Content-Length, chunk size),
                    // before reading it.
                    .maxPayloadSize(maxPayloadBytes)
                    .maxTcpConnections(hardConnectionCap)
                    .maxConcurrentRequests(
                        connections.maxConcurrentRequests() == 0
                            ? -1
                            : connections.maxConcurrentRequests())
                    // Without TCP_NODELAY an answer over one segment (about 11 KB of iris rows)
                    // waited for the client's delayed ACK on a kept-alive connection: 48 ms.
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
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
                new GrpcCallInterceptor(requestIds, accessLog, clock, ticker, tracing),
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

  /**
   * Helidon's own connection limit, taken before accept: above {@code maxConnections} (which {@link
   * ConnectionLimit} enforces with a 503), by a tenth of it and at least 64, so that refusals and
   * TLS handshakes in progress have room; at most seven eighths of the open file limit unless that
   * leaves no room at all. Beyond it, connections wait in the kernel's listen backlog.
   */
  static int hardConnectionCap(int maxConnections, long openFileLimit) {
    long cap = maxConnections + Math.max(64L, maxConnections / 10L);
    if (openFileLimit > 0) {
      cap = Math.max(maxConnections + 1L, Math.min(cap, openFileLimit * 7 / 8));
    }
    return (int) Math.min(cap, Integer.MAX_VALUE);
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
    if (jobs != null) {
      // Once models and graphs are served: a worker runs what a synchronous call would.
      jobs.startWorkers(jobRunner, jobs.config().workers());
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
  public MeterRegistry meterRegistry() {
    return meterRegistry;
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
        if (jobs != null) {
          // Before the models close: running jobs finish (or go back to the queue) first.
          jobs.close(shutdownGrace);
        }
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
