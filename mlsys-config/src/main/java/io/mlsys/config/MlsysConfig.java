package io.mlsys.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The whole {@code mlsys.yaml}: one file declares the server, the model repository and the models.
 * Build it in Java with {@link #defaults()} and the {@code with...} methods, or load it with {@link
 * ConfigLoader}.
 *
 * @param server HTTP server settings; null means {@link ServerConfig#defaults()}
 * @param modelRepository the Triton/KServe-layout model folder; null means none
 * @param onnx ONNX Runtime defaults for every model; null means {@link OnnxConfig#defaults()}
 * @param models models named by uri, keyed by the name they are served under; each must have a uri
 */
public record MlsysConfig(
    ServerConfig server,
    ModelRepositoryConfig modelRepository,
    OnnxConfig onnx,
    Map<String, ModelConfig> models) {

  /**
   * @throws ConfigException listing every invalid model name and every model without a uri
   */
  public MlsysConfig {
    server = Objects.requireNonNullElseGet(server, ServerConfig::defaults);
    modelRepository = Objects.requireNonNullElseGet(modelRepository, ModelRepositoryConfig::none);
    onnx = Objects.requireNonNullElseGet(onnx, OnnxConfig::defaults);
    models = models == null ? Map.of() : models;
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
      }
    }
    violations.throwIfAny(null);
    models = Map.copyOf(models);
  }

  /** Every default: no models, port 8080. */
  public static MlsysConfig defaults() {
    return new MlsysConfig(null, null, null, null);
  }

  public MlsysConfig withServer(ServerConfig newServer) {
    return new MlsysConfig(newServer, modelRepository, onnx, models);
  }

  public MlsysConfig withModelRepository(ModelRepositoryConfig newModelRepository) {
    return new MlsysConfig(server, newModelRepository, onnx, models);
  }

  public MlsysConfig withOnnx(OnnxConfig newOnnx) {
    return new MlsysConfig(server, modelRepository, newOnnx, models);
  }

  public MlsysConfig withModels(Map<String, ModelConfig> newModels) {
    return new MlsysConfig(server, modelRepository, onnx, newModels);
  }

  /** The same config with one more model (or that model replaced). */
  public MlsysConfig withModel(String name, ModelConfig model) {
    Map<String, ModelConfig> newModels = new HashMap<>(models);
    newModels.put(name, model);
    return new MlsysConfig(server, modelRepository, onnx, newModels);
  }
}
