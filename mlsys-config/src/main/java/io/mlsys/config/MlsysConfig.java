package io.mlsys.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The whole {@code mlsys.yaml}: one file declares the server, the model repository, the models and
 * the inference graphs. Build it in Java with {@link #defaults()} and the {@code with...} methods,
 * or load it with {@link ConfigLoader}.
 *
 * @param server HTTP server settings; null means {@link ServerConfig#defaults()}
 * @param modelRepository the Triton/KServe-layout model folder; null means none
 * @param onnx ONNX Runtime defaults for every model; null means {@link OnnxConfig#defaults()}
 * @param modelDefaults what every model gets unless its own config says otherwise (the default
 *     decorators); null means {@link ModelDefaultsConfig#defaults()}
 * @param models models named by uri, keyed by the name they are served under; each must have a uri
 * @param graphs inference graphs keyed by the name they are served under (in the order written);
 *     null means none. A graph name follows {@link ModelConfig#NAME_PATTERN} and is not also a key
 *     of {@code models}. Graphs are checked against the models' signatures when the server builds
 *     them, not here.
 */
public record MlsysConfig(
    ServerConfig server,
    ModelRepositoryConfig modelRepository,
    OnnxConfig onnx,
    ModelDefaultsConfig modelDefaults,
    Map<String, ModelConfig> models,
    Map<String, GraphConfig> graphs) {

  static final String EXPECTED_GRAPH_NAME = "a graph name of " + ModelConfig.EXPECTED_NAME;

  /**
   * @throws ConfigException listing every invalid model or graph name, every model without a uri,
   *     every model whose {@code batching} repeats a default decorator, every missing graph and
   *     every graph named like a model
   */
  public MlsysConfig {
    server = Objects.requireNonNullElseGet(server, ServerConfig::defaults);
    modelRepository = Objects.requireNonNullElseGet(modelRepository, ModelRepositoryConfig::none);
    onnx = Objects.requireNonNullElseGet(onnx, OnnxConfig::defaults);
    modelDefaults = Objects.requireNonNullElseGet(modelDefaults, ModelDefaultsConfig::defaults);
    models = models == null ? Map.of() : models;
    graphs = graphs == null ? Map.of() : graphs;
    Violations violations = new Violations();
    // Sorted so that the messages come in a stable order.
    TreeMap<String, ModelConfig> sorted = new TreeMap<>();
    for (Map.Entry<String, ModelConfig> entry : models.entrySet()) {
      if (entry.getKey() == null) {
        violations.invalid("models", null, "a model name of " + ModelConfig.EXPECTED_NAME);
      } else {
        sorted.put(entry.getKey(), entry.getValue());
      }
    }
    for (Map.Entry<String, ModelConfig> entry : sorted.entrySet()) {
      String name = entry.getKey();
      String path = "models." + name;
      if (!ModelConfig.isValidName(name)) {
        violations.invalid(path, name, "a model name of " + ModelConfig.EXPECTED_NAME);
      } else if (entry.getValue() == null) {
        violations.invalid(path, null, "a model with at least a uri");
      } else if (entry.getValue().uri() == null) {
        violations.add(path + ".uri", "missing (expected: " + ModelConfig.EXPECTED_URI + ")");
      } else {
        try {
          entry.getValue().decoratorChain(modelDefaults);
        } catch (ConfigException e) {
          violations.addAll(path, e);
        }
      }
    }
    for (Map.Entry<String, GraphConfig> entry : graphs.entrySet()) {
      String name = entry.getKey();
      if (name == null) {
        violations.invalid("graphs", null, EXPECTED_GRAPH_NAME);
        continue;
      }
      String path = "graphs." + name;
      if (!ModelConfig.isValidName(name)) {
        violations.invalid(path, name, EXPECTED_GRAPH_NAME);
      } else if (models.containsKey(name)) {
        violations.invalid(path, name, "a name not also used under models");
      } else if (entry.getValue() == null) {
        violations.invalid(path, null, "a graph");
      }
    }
    violations.throwIfAny(null);
    models = Map.copyOf(models);
    graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
  }

  /** The settings without model defaults (what the config loader reads). */
  public MlsysConfig(
      ServerConfig server,
      ModelRepositoryConfig modelRepository,
      OnnxConfig onnx,
      Map<String, ModelConfig> models,
      Map<String, GraphConfig> graphs) {
    this(server, modelRepository, onnx, null, models, graphs);
  }

  /** The settings before graphs existed: no graphs. */
  public MlsysConfig(
      ServerConfig server,
      ModelRepositoryConfig modelRepository,
      OnnxConfig onnx,
      Map<String, ModelConfig> models) {
    this(server, modelRepository, onnx, null, models, null);
  }

  /** Every default: no models, no graphs, port 8080. */
  public static MlsysConfig defaults() {
    return new MlsysConfig(null, null, null, null, null, null);
  }

  public MlsysConfig withServer(ServerConfig newServer) {
    return new MlsysConfig(newServer, modelRepository, onnx, modelDefaults, models, graphs);
  }

  public MlsysConfig withModelRepository(ModelRepositoryConfig newModelRepository) {
    return new MlsysConfig(server, newModelRepository, onnx, modelDefaults, models, graphs);
  }

  public MlsysConfig withOnnx(OnnxConfig newOnnx) {
    return new MlsysConfig(server, modelRepository, newOnnx, modelDefaults, models, graphs);
  }

  /** The same config with these model defaults; null for none. */
  public MlsysConfig withModelDefaults(ModelDefaultsConfig newModelDefaults) {
    return new MlsysConfig(server, modelRepository, onnx, newModelDefaults, models, graphs);
  }

  public MlsysConfig withModels(Map<String, ModelConfig> newModels) {
    return new MlsysConfig(server, modelRepository, onnx, modelDefaults, newModels, graphs);
  }

  /** The same config with one more model (or that model replaced). */
  public MlsysConfig withModel(String name, ModelConfig model) {
    Map<String, ModelConfig> newModels = new HashMap<>(models);
    newModels.put(name, model);
    return new MlsysConfig(server, modelRepository, onnx, modelDefaults, newModels, graphs);
  }

  /** The same config with these graphs (in the map's iteration order); null for none. */
  public MlsysConfig withGraphs(Map<String, GraphConfig> newGraphs) {
    return new MlsysConfig(server, modelRepository, onnx, modelDefaults, models, newGraphs);
  }

  /** The same config with one more graph (added last), or that graph replaced in place. */
  public MlsysConfig withGraph(String name, GraphConfig graph) {
    Map<String, GraphConfig> newGraphs = new LinkedHashMap<>(graphs);
    newGraphs.put(name, graph);
    return new MlsysConfig(server, modelRepository, onnx, modelDefaults, models, newGraphs);
  }
}
