package io.mlsys.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.cache.PredictionCaches;
import io.mlsys.experiments.Experiments;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.monitoring.Monitors;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.queue.Jobs;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.repository.ModelRepository;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.tracing.Tracing;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The mlsys server: the Open Inference Protocol REST API (KServe V2), KServe V1 predict, the model
 * repository extension, per-model statistics and Prometheus metrics over HTTP, and the Open
 * Inference Protocol gRPC API ({@code inference.GRPCInferenceService}, with the repository
 * extension, health checking and reflection) on its own port, over the models of one {@link
 * ModelRepository}.
 *
 * <p>Build one with {@link #builder()} (everything injectable) or {@link #fromConfig(MlsysConfig)}
 * (the whole server from {@code mlsys.yaml}, models loaded by ONNX Runtime).
 */
public interface MlsysServer extends AutoCloseable {

  /** The java.util.logging logger that receives one JSON line per request. */
  String ACCESS_LOGGER = "mlsys.access";

  /**
   * Names the caller of a management change (runtime parameters) in the audit log when the caller
   * is not authenticated (tokens not required, none sent); an authenticated caller is named by its
   * token's user instead, whatever this header says.
   */
  String USER_HEADER = "Mlsys-User";

  /** Request header whose value becomes the request id (echoed in the response). */
  String REQUEST_ID_HEADER = "X-Request-Id";

  static Builder builder() {
    return new Builder();
  }

  /**
   * The whole server from a config: a repository with the ONNX Runtime loader (its load times
   * recorded as metrics, its failures logged), gRPC on {@code server.grpc-port} (none when null), a
   * Prometheus registry, the system clock and, when {@code server.access-log} is on, an
   * asynchronous JSON-line handler writing to standard output on {@value #ACCESS_LOGGER} if that
   * logger has none. Models are loaded by {@link #start()}.
   */
  static MlsysServer fromConfig(MlsysConfig config) {
    return ServerWiring.fromConfig(config, null, UnaryOperator.identity());
  }

  /**
   * As {@link #fromConfig(MlsysConfig)} for a config read from {@code file} (with {@code
   * overrides}, e.g. command-line flags, applied): when {@code server.watch-config} is on, the
   * server reloads the file's graphs when it changes, without dropping requests; an invalid new
   * file is logged and the running config keeps serving.
   *
   * @throws io.mlsys.config.ConfigException when the file is invalid
   */
  static MlsysServer fromConfigFile(Path file, UnaryOperator<MlsysConfig> overrides) {
    MlsysConfig config = overrides.apply(MlsysConfigLoader.load(file));
    return ServerWiring.fromConfig(config, file, overrides);
  }

  /**
   * Binds the port (and the gRPC port, when on) and serves; then, if {@link
   * Builder#loadModelsOnStart(boolean)} (as with {@link #fromConfig}), loads every model, returning
   * when they are loaded or failed. Readiness answers 503 until every model is ready.
   *
   * @return this server
   */
  MlsysServer start();

  /** The models this server serves (to list their states, or load and unload them in code). */
  ModelRepository repository();

  /**
   * Where the server's metrics go, what {@code GET /metrics} scrapes: other parts of the process
   * (the batch schedules of {@code mlsys serve}) register their meters here.
   */
  MeterRegistry meterRegistry();

  /** The port actually bound (useful when the configured port is 0); -1 before start. */
  int port();

  /**
   * The gRPC port actually bound (useful when {@link Builder#grpcPort(Integer)} is 0); -1 before
   * start, after stop, or when gRPC is off.
   */
  int grpcPort();

  /**
   * Stops gracefully: both transports stop accepting connections (gRPC health turns NOT_SERVING)
   * and let in-flight requests finish for up to {@code server.shutdown-grace}, then the repository
   * is closed. Idempotent.
   */
  void stop();

  @Override
  default void close() {
    stop();
  }

  /** Builds a server; only the repository is required. */
  final class Builder {
    private ServerConfig config = ServerConfig.defaults();
    private ModelRepository repository;
    private Clock clock = Clock.systemUTC();
    private PrometheusMeterRegistry meterRegistry;
    private Supplier<String> requestIds;
    private LongSupplier ticker = System::nanoTime;
    private boolean loadModelsOnStart;
    private Integer grpcPort;
    private Map<String, GraphConfig> graphs = Map.of();
    private GraphOptions graphOptions;
    private GraphReload graphReload;
    private RegistryHandle modelRegistry;
    private PredictionLog predictionLog;
    private PredictionCaches predictionCaches;
    private Experiments experiments;
    private Monitors monitors;
    private Tracing tracing;
    private Jobs jobs;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Runnable> afterStart = new ArrayList<>();

    private Builder() {}

    /** Server settings; default {@link ServerConfig#defaults()}. */
    public Builder config(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The models to serve; the server closes it on stop. */
    public Builder repository(ModelRepository repository) {
      this.repository = Objects.requireNonNull(repository, "repository");
      return this;
    }

    /** The clock deadlines and access-log times read; default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where metrics go and what {@code GET /metrics} scrapes; default a new registry. */
    public Builder meterRegistry(PrometheusMeterRegistry meterRegistry) {
      this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
      return this;
    }

    /**
     * Makes the id of a request that carries no {@value MlsysServer#REQUEST_ID_HEADER} header;
     * default a random prefix and a counter. Must be thread-safe.
     */
    public Builder requestIds(Supplier<String> requestIds) {
      this.requestIds = Objects.requireNonNull(requestIds, "requestIds");
      return this;
    }

    /**
     * The monotonic nanosecond source request durations are measured with; default {@link
     * System#nanoTime()}.
     */
    public Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Whether {@link MlsysServer#start()} loads every model of the repository ({@link
     * ModelRepository#loadAll()}) once the port is bound, so liveness answers while models load and
     * readiness turns 200 when they are; default false (the caller loads them).
     */
    public Builder loadModelsOnStart(boolean load) {
      this.loadModelsOnStart = load;
      return this;
    }

    /**
     * The port of the gRPC listener ({@code inference.GRPCInferenceService}, health, reflection): 0
     * picks a free one, null (the default) serves no gRPC. It binds the host of {@link
     * #config(ServerConfig)} and accepts messages up to its {@code maxRequestBytes}; the config's
     * own {@code grpcPort} is not read here ({@link MlsysServer#fromConfig} passes it on).
     *
     * @throws IllegalArgumentException when not null and not within 0 to 65535
     */
    public Builder grpcPort(Integer port) {
      if (port != null && (port < 0 || port > 65535)) {
        throw new IllegalArgumentException(
            "grpcPort: " + port + " (expected: 0 to 65535, or null for no gRPC)");
      }
      this.grpcPort = port;
      return this;
    }

    /**
     * Inference graphs to serve like models (by name, version {@value Graphs#VERSION}). They are
     * built and validated by {@link MlsysServer#start()} once the models are loaded, so their
     * signatures are checked; an invalid graph fails the start with every violation.
     */
    public Builder graphs(Map<String, GraphConfig> graphs) {
      this.graphs = Map.copyOf(Objects.requireNonNull(graphs, "graphs"));
      return this;
    }

    /**
     * What the graphs share (clock, remote client options, audit logger); default theirs with this
     * clock.
     */
    public Builder graphOptions(GraphOptions options) {
      this.graphOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * The model registry to serve MLflow's REST API ({@code /api/2.0/mlflow/...}, {@code
     * /api/2.0/mlflow-artifacts/...}) and {@code /v2/registry/...} from; the server closes it on
     * stop. Without one, those routes do not exist.
     */
    public Builder registry(ModelRegistry registry) {
      this.modelRegistry = RegistryHandle.of(Objects.requireNonNull(registry, "registry"));
      return this;
    }

    /** A registry opened on first use ({@link MlsysServer#fromConfig}). */
    Builder registry(RegistryHandle handle) {
      this.modelRegistry = Objects.requireNonNull(handle, "handle");
      return this;
    }

    /**
     * The prediction log whose on/off switch {@code GET/PUT /v2/prediction-log} serves; the caller
     * closes it (the server's shared resources do, after every model).
     */
    public Builder predictionLog(PredictionLog log) {
      this.predictionLog = Objects.requireNonNull(log, "log");
      return this;
    }

    /**
     * The prediction caches that {@code DELETE /v2/models/{m}/cache} empties: the {@link
     * io.mlsys.core.spi.SharedResources} entry the {@code cache} decorators register in.
     */
    public Builder predictionCaches(PredictionCaches caches) {
      this.predictionCaches = Objects.requireNonNull(caches, "caches");
      return this;
    }

    /**
     * The experiments {@code GET /v2/experiments...} serve and their state changes go to; the
     * caller closes them. The {@code split} and {@code mirror} nodes find them in {@link
     * GraphOptions#resources()}, so pass the same instance there.
     */
    public Builder experiments(Experiments newExperiments) {
      this.experiments = Objects.requireNonNull(newExperiments, "experiments");
      return this;
    }

    /**
     * The monitors whose state {@code GET /v2/models/{m}/monitor} serves; the caller closes them
     * (the server's shared resources do).
     */
    public Builder monitors(Monitors monitors) {
      this.monitors = Objects.requireNonNull(monitors, "monitors");
      return this;
    }

    /**
     * Where each request's span starts (from its {@code traceparent}); default {@link
     * Tracing#off()}, ids only. The caller closes it ({@link MlsysServer#fromConfig} has the server
     * close it on stop).
     */
    public Builder tracing(Tracing tracing) {
      this.tracing = Objects.requireNonNull(tracing, "tracing");
      return this;
    }

    /**
     * Asynchronous inference jobs: {@code Prefer: respond-async} on infer, {@code /v2/jobs}, and
     * {@code jobs.workers} worker threads started once the models are loaded. The server closes
     * them on stop, before the models.
     */
    public Builder jobs(Jobs newJobs) {
      this.jobs = Objects.requireNonNull(newJobs, "jobs");
      return this;
    }

    /** Reloads the graphs when the config file changes (see {@link ConfigWatcher}). */
    Builder reloadGraphsFrom(GraphReload reload) {
      this.graphReload = Objects.requireNonNull(reload, "reload");
      return this;
    }

    /** Something else the server owns and closes after the repository (e.g. a log handler). */
    Builder closeOnStop(AutoCloseable closeable) {
      closeables.add(Objects.requireNonNull(closeable, "closeable"));
      return this;
    }

    /** Runs {@code task} once the server has started and loaded its models. */
    Builder afterStart(Runnable task) {
      afterStart.add(Objects.requireNonNull(task, "task"));
      return this;
    }

    public MlsysServer build() {
      if (repository == null) {
        throw new IllegalStateException("repository: not set (expected: a ModelRepository)");
      }
      PrometheusMeterRegistry registry =
          meterRegistry != null
              ? meterRegistry
              : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Supplier<String> ids = requestIds != null ? requestIds : RequestIds.random();
      return new HelidonMlsysServer(
          config,
          repository,
          clock,
          registry,
          ids,
          ticker,
          loadModelsOnStart,
          grpcPort,
          graphs,
          graphOptions != null
              ? graphOptions
              : GraphOptions.defaults().withClock(clock).withMeterRegistry(registry),
          graphReload,
          modelRegistry,
          predictionLog,
          predictionCaches,
          experiments,
          monitors,
          tracing != null ? tracing : Tracing.off(),
          jobs,
          List.copyOf(closeables),
          List.copyOf(afterStart));
    }
  }
}
