package io.mlsys.server;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.cache.PredictionCaches;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.JobSubmitter;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.ModelDirectory;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.experiments.Experiments;
import io.mlsys.graph.GraphOptions;
import io.mlsys.monitoring.Monitors;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.predictionlog.PredictionLogConfig;
import io.mlsys.queue.Jobs;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.registry.RegistryModelResolver;
import io.mlsys.registry.RegistryStores;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelRepository;
import io.mlsys.server.config.AccessLogConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.store.StoreConfig;
import io.mlsys.tracing.Tracing;
import io.mlsys.tracing.TracingOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Builds the whole server from {@code mlsys.yaml}: the production object graph. */
final class ServerWiring {
  private ServerWiring() {}

  /**
   * @param file where the config was read from, or null
   * @param overrides what was applied to the file's config (applied again on reload)
   */
  static MlsysServer fromConfig(
      MlsysConfig config, Path file, UnaryOperator<MlsysConfig> overrides) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Clock clock = Clock.systemUTC();
    // What the decorators share; closed when the server stops, after every model.
    SharedResources resources = SharedResources.create();
    // Tracing first: its span covers what the prediction log does too.
    Tracing tracing = Tracing.open(config.tracing(), registry);
    List<DecoratorOptions> everyModel = new ArrayList<>();
    if (tracing.isEnabled()) {
      everyModel.add(TracingOptions.defaults());
    }
    everyModel.addAll(predictionLog(config, clock, registry, resources));
    // Each model is loaded by the runtime of its platform (the ModelRuntime SPI) and put behind
    // the decorators its config names (the ModelDecorator SPI).
    RegistryHandle modelRegistry = registry(config, clock);
    ModelRepository repository =
        ModelRepository.create(
            config.modelSources(),
            ModelLoader.installedRuntimes(),
            new DecoratorChains(
                ModelDecorators.installed(),
                config.modelDefaults(),
                clock,
                registry,
                resources,
                everyModel),
            new LoadMetricsListener(registry),
            System.getenv(),
            // Models that name a registry reference load the version it names now.
            reference -> new RegistryModelResolver(modelRegistry.get()).resolve(reference));
    // Decorators that call another served model (a fallback's cheaper model) find it here; each
    // call resolves the model's current version, so load order and reloads do not matter.
    resources.computeIfAbsent(
        ModelDirectory.class, () -> modelName -> repository.predictor(modelName, null));
    MlsysServer.Builder builder =
        MlsysServer.builder()
            .config(config.server())
            .repository(repository)
            .meterRegistry(registry)
            .clock(clock)
            .grpcPort(config.server().grpcPort())
            .graphs(config.graphs())
            .loadModelsOnStart(true)
            .tracing(tracing)
            .closeOnStop(resources)
            // After every model and the shared resources: the last spans are exported at stop.
            .closeOnStop(tracing);
    // Following stops before the registry closes (closeables close in order, the registry last).
    RegistryFollowing following =
        RegistryFollowing.of(config.modelSources(), modelRegistry, repository, clock);
    if (following != null) {
      builder.afterStart(following::start).closeOnStop(following);
    }
    RegistryGarbageCollection gc =
        RegistryGarbageCollection.every(config.registry().gcPeriod(), modelRegistry);
    if (gc != null) {
      builder.closeOnStop(gc);
    }
    builder.registry(modelRegistry);
    resources.find(PredictionLog.class).ifPresent(builder::predictionLog);
    // Made now, so the cache decorators register in the one the API reaches.
    builder.predictionCaches(
        resources.computeIfAbsent(PredictionCaches.class, () -> new PredictionCaches(registry)));
    // The experiments of split and mirror graphs: their store is opened at first use.
    Path dataDir = config.resolvedDataDir(System.getenv(), System.getProperty("user.home"));
    builder
        .experiments(
            resources.computeIfAbsent(
                Experiments.class,
                () -> Experiments.open(config.store(), dataDir, clock, registry)))
        .graphOptions(
            GraphOptions.defaults()
                .withClock(clock)
                .withResources(resources)
                .withMeterRegistry(registry));
    builder.monitors(
        monitors(resources, clock, registry, modelRegistry, config.modelSources().models()));
    if (config.jobs().enabled()) {
      Jobs jobs =
          Jobs.open(config.jobs(), config.store(), dataDir, clock, registry, System.getenv());
      builder.jobs(jobs);
      // Before any graph compiles: an asynchronous cascade stage submits through it.
      resources.computeIfAbsent(JobSubmitter.class, () -> new GraphJobSubmitter(jobs));
    }
    if (file != null) {
      builder.reloadGraphsFrom(
          new GraphReload(file, config, overrides, config.server().watchConfig()));
    }
    bindJvmMetrics(registry, builder);
    accessLogHandler(config.server().accessLog(), builder);
    return builder.build();
  }

  /**
   * The prediction log of {@code prediction-log:} when it names a sink: opened now as a shared
   * resource (it outlives model versions and closes with the server, after every model), and its
   * decorator options for every model's chain. Empty when there is no log.
   */
  static List<DecoratorOptions> predictionLog(
      MlsysConfig config,
      Clock clock,
      PrometheusMeterRegistry registry,
      SharedResources resources) {
    PredictionLogConfig logConfig = config.predictionLog();
    if (!logConfig.hasSinks()) {
      return List.of();
    }
    Path dataDir = config.resolvedDataDir(System.getenv(), System.getProperty("user.home"));
    resources.computeIfAbsent(
        PredictionLog.class,
        () -> PredictionLog.open(logConfig, config.store(), dataDir, clock, registry));
    return List.of(logConfig.model());
  }

  /**
   * The monitors of every monitored model version (a shared resource the {@code monitor} decorator
   * registers with); a version without a {@code baseline} file takes its registered data profile.
   */
  static Monitors monitors(
      SharedResources resources,
      Clock clock,
      PrometheusMeterRegistry registry,
      RegistryHandle modelRegistry,
      Map<String, ModelConfig> models) {
    Monitors monitors =
        resources.computeIfAbsent(Monitors.class, () -> new Monitors(clock, registry));
    monitors.baselines(new RegistryBaselines(modelRegistry, models));
    return monitors;
  }

  /**
   * The registry of {@code store:} and {@code registry:}, opened on first use: its tables in the
   * store ({@code <data-dir>/registry.db} by default), its artifacts in {@code
   * <data-dir>/artifacts}, versions loaded at registration by the installed runtimes.
   */
  static RegistryHandle registry(MlsysConfig config, Clock clock) {
    Path dataDir = config.resolvedDataDir(System.getenv(), System.getProperty("user.home"));
    RegistryConfig rules = config.registry();
    StoreConfig store = config.store();
    return new RegistryHandle(
        rules,
        () -> {
          RegistryStores stores = RegistryStores.open(store, dataDir, clock);
          return new ModelRegistry(
              stores.registry(),
              stores.tracking(),
              stores.artifacts(),
              ModelLoader.installedRuntimes(),
              rules);
        });
  }

  /**
   * Unless the {@value MlsysServer#ACCESS_LOGGER} logger already has a handler (configured by the
   * operator): JSON lines to stdout or to a file rotated by size, written off the request thread,
   * the logger's level set to the configured one. Undone when the server stops.
   */
  static void accessLogHandler(AccessLogConfig config, MlsysServer.Builder builder) {
    Logger accessLogger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
    if (!config.enabled() || accessLogger.getHandlers().length != 0) {
      return;
    }
    AsyncLogHandler handler;
    if (config.file() == null) {
      handler = AsyncLogHandler.jsonLinesToStdout();
    } else {
      try {
        handler =
            new AsyncLogHandler(
                new RotatingFileOutputStream(
                    config.file(), config.maxFileBytes(), config.maxFiles()),
                true,
                AsyncLogHandler.DEFAULT_CAPACITY,
                new JsonLineFormatter());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "server.access-log.file: cannot write " + config.file() + ": " + e.getMessage(), e);
      }
    }
    Level previous = accessLogger.getLevel();
    accessLogger.setLevel(AccessLog.julLevel(config.level()));
    accessLogger.addHandler(handler);
    accessLogger.setUseParentHandlers(false);
    builder.closeOnStop(
        () -> {
          accessLogger.removeHandler(handler);
          accessLogger.setUseParentHandlers(true);
          accessLogger.setLevel(previous);
          handler.close();
        });
  }

  /**
   * The JVM and process meters operators expect next to ours (memory, GC, threads, class loading,
   * CPU, uptime, open files), as Micrometer's standard binders name them.
   */
  private static void bindJvmMetrics(
      PrometheusMeterRegistry registry, MlsysServer.Builder builder) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    builder.closeOnStop(gc);
  }
}
