package io.mlsys.server.config;

import io.mlsys.batch.BatchConfig;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.GraphConfig;
import io.mlsys.predictionlog.PredictionLogConfig;
import io.mlsys.queue.JobsConfig;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelDefaultsConfig;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.repository.ModelsConfig;
import io.mlsys.repository.OnnxConfig;
import io.mlsys.store.StoreConfig;
import io.mlsys.tracing.TracingConfig;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The whole {@code mlsys.yaml}: one file declares the server, the model repository, the models and
 * the inference graphs. Build it in Java with {@link #defaults()} and the {@code with...} methods,
 * or load it with {@link MlsysConfigLoader}.
 *
 * @param server HTTP server settings; null means {@link ServerConfig#defaults()}
 * @param modelSources the keys {@code model-repository}, {@code onnx} and {@code models}, written
 *     at the top level of the file; null means {@link ModelsConfig#defaults()}
 * @param graphs inference graphs keyed by the name they are served under (in the order written);
 *     null means none. A graph name follows {@link ModelConfig#NAME_PATTERN} and is not also a key
 *     of {@code models}. Graphs are checked against the models' signatures when the server builds
 *     them, not here.
 * @param store where the registry, tracking and other records are kept: null means {@link
 *     StoreConfig#defaults()}, SQLite files in {@code dataDir}
 * @param registry the model registry's rules; null means {@link RegistryConfig#defaults()}
 * @param dataDir the folder for what outlives a start (the SQLite store, the artifact store under
 *     {@code artifacts/}); null means {@code $MLSYS_DATA_DIR}, else {@code ~/.mlsys}, chosen when
 *     the server is built (the CLI's {@code --data-dir} sets it)
 * @param predictionLog the prediction log (its sinks, buffering, and what every model records);
 *     null means {@link PredictionLogConfig#defaults()}, no log
 * @param tracing where spans are exported; null means {@link TracingConfig#defaults()}, none (the
 *     trace ids are still read, passed on and logged)
 * @param jobs asynchronous inference jobs ({@code Prefer: respond-async}); null means {@link
 *     JobsConfig#defaults()}, on with the embedded queue
 * @param batch batch jobs the server runs on their schedules; null means {@link
 *     BatchConfig#defaults()}, none
 */
public record MlsysConfig(
    ServerConfig server,
    @ConfigInline ModelsConfig modelSources,
    Map<String, GraphConfig> graphs,
    StoreConfig store,
    RegistryConfig registry,
    Path dataDir,
    PredictionLogConfig predictionLog,
    TracingConfig tracing,
    JobsConfig jobs,
    BatchConfig batch) {

  /** Environment variable naming the data directory when the config names none. */
  public static final String DATA_DIR_VARIABLE = "MLSYS_DATA_DIR";

  /** The data directory's default, inside the user's home folder. */
  public static final String DEFAULT_DATA_FOLDER = ".mlsys";

  static final String EXPECTED_GRAPH_NAME = "a graph name of " + ModelConfig.EXPECTED_NAME;

  /**
   * @throws ConfigException listing every missing graph and every graph named like a model
   */
  public MlsysConfig {
    server = Objects.requireNonNullElseGet(server, ServerConfig::defaults);
    modelSources = Objects.requireNonNullElseGet(modelSources, ModelsConfig::defaults);
    store = Objects.requireNonNullElseGet(store, StoreConfig::defaults);
    registry = Objects.requireNonNullElseGet(registry, RegistryConfig::defaults);
    predictionLog = Objects.requireNonNullElseGet(predictionLog, PredictionLogConfig::defaults);
    tracing = Objects.requireNonNullElseGet(tracing, TracingConfig::defaults);
    jobs = Objects.requireNonNullElseGet(jobs, JobsConfig::defaults);
    batch = Objects.requireNonNullElseGet(batch, BatchConfig::defaults);
    graphs = graphs == null ? Map.of() : graphs;
    Violations violations = new Violations();
    checkGraphNames(graphs.keySet(), modelSources.models().keySet(), violations);
    for (Map.Entry<String, GraphConfig> entry : graphs.entrySet()) {
      if (entry.getKey() != null && entry.getValue() == null) {
        violations.invalid("graphs." + entry.getKey(), null, "a graph");
      }
    }
    violations.throwIfAny(null);
    graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
  }

  /** A config with the default store, registry and data directory. */
  public MlsysConfig(
      ServerConfig server, ModelsConfig modelSources, Map<String, GraphConfig> graphs) {
    this(server, modelSources, graphs, null, null, null);
  }

  /** A config without prediction log. */
  public MlsysConfig(
      ServerConfig server,
      ModelsConfig modelSources,
      Map<String, GraphConfig> graphs,
      StoreConfig store,
      RegistryConfig registry,
      Path dataDir) {
    this(server, modelSources, graphs, store, registry, dataDir, null, null, null, null);
  }

  /**
   * Checks the names of graphs: each follows the model name rules and is not also a key of {@code
   * models} (graphs and models share one namespace).
   */
  static void checkGraphNames(
      Collection<String> graphs, Collection<String> models, Violations violations) {
    for (String name : graphs) {
      if (name == null) {
        violations.invalid("graphs", null, EXPECTED_GRAPH_NAME);
        continue;
      }
      String path = "graphs." + name;
      if (!ModelConfig.isValidName(name)) {
        violations.invalid(path, name, EXPECTED_GRAPH_NAME);
      } else if (models.contains(name)) {
        violations.invalid(path, name, "a name not also used under models");
      }
    }
  }

  /** Every default: no models, no graphs, port 8080. */
  public static MlsysConfig defaults() {
    return new MlsysConfig(null, null, null, null, null, null);
  }

  /** The model repository folder ({@code model-repository}). */
  public ModelRepositoryConfig modelRepository() {
    return modelSources.modelRepository();
  }

  /** ONNX Runtime defaults ({@code onnx}). */
  public OnnxConfig onnx() {
    return modelSources.onnx();
  }

  /** What every model gets unless its own config says otherwise ({@code model-defaults}). */
  public ModelDefaultsConfig modelDefaults() {
    return modelSources.modelDefaults();
  }

  public MlsysConfig withModelDefaults(ModelDefaultsConfig newModelDefaults) {
    return withModelSources(modelSources.withModelDefaults(newModelDefaults));
  }

  /** The models named by uri ({@code models}). */
  public Map<String, ModelConfig> models() {
    return modelSources.models();
  }

  public MlsysConfig withServer(ServerConfig newServer) {
    return new MlsysConfig(
        newServer,
        modelSources,
        graphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  public MlsysConfig withModelSources(ModelsConfig newModelSources) {
    return new MlsysConfig(
        server,
        newModelSources,
        graphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  public MlsysConfig withStore(StoreConfig newStore) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        newStore,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  public MlsysConfig withRegistry(RegistryConfig newRegistry) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        newRegistry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  /**
   * The data directory: {@code data-dir}, else {@code $MLSYS_DATA_DIR}, else {@code ~/.mlsys}.
   *
   * @param environment the variables to read
   * @param userHome the user's home folder
   */
  public Path resolvedDataDir(Map<String, String> environment, String userHome) {
    if (dataDir != null) {
      return dataDir.toAbsolutePath().normalize();
    }
    String fromEnvironment = environment.get(DATA_DIR_VARIABLE);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return Path.of(fromEnvironment).toAbsolutePath().normalize();
    }
    return Path.of(userHome, DEFAULT_DATA_FOLDER);
  }

  /** The same config with this data directory; null for the default. */
  public MlsysConfig withDataDir(Path newDataDir) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        registry,
        newDataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  /** The same config with this prediction log; null for none. */
  public MlsysConfig withPredictionLog(PredictionLogConfig newPredictionLog) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        registry,
        dataDir,
        newPredictionLog,
        tracing,
        jobs,
        batch);
  }

  /** The same config with this jobs section; null for the default (on, embedded queue). */
  public MlsysConfig withJobs(JobsConfig newJobs) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        newJobs,
        batch);
  }

  /** The same config with these scheduled batch jobs; null for none. */
  public MlsysConfig withBatch(BatchConfig newBatch) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        newBatch);
  }

  /** The same config with this tracing section; null for the default (no export). */
  public MlsysConfig withTracing(TracingConfig newTracing) {
    return new MlsysConfig(
        server,
        modelSources,
        graphs,
        store,
        registry,
        dataDir,
        predictionLog,
        newTracing,
        jobs,
        batch);
  }

  public MlsysConfig withModelRepository(ModelRepositoryConfig newModelRepository) {
    return withModelSources(modelSources.withModelRepository(newModelRepository));
  }

  public MlsysConfig withOnnx(OnnxConfig newOnnx) {
    return withModelSources(modelSources.withOnnx(newOnnx));
  }

  public MlsysConfig withModels(Map<String, ModelConfig> newModels) {
    return withModelSources(modelSources.withModels(newModels));
  }

  /** The same config with one more model (or that model replaced). */
  public MlsysConfig withModel(String name, ModelConfig model) {
    return withModelSources(modelSources.withModel(name, model));
  }

  /** The same config with these graphs (in the map's iteration order); null for none. */
  public MlsysConfig withGraphs(Map<String, GraphConfig> newGraphs) {
    return new MlsysConfig(
        server,
        modelSources,
        newGraphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }

  /** The same config with one more graph (added last), or that graph replaced in place. */
  public MlsysConfig withGraph(String name, GraphConfig graph) {
    Map<String, GraphConfig> newGraphs = new LinkedHashMap<>(graphs);
    newGraphs.put(name, graph);
    return new MlsysConfig(
        server,
        modelSources,
        newGraphs,
        store,
        registry,
        dataDir,
        predictionLog,
        tracing,
        jobs,
        batch);
  }
}
