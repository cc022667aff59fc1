package io.mlsys.repository;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where models come from: the keys {@code model-repository}, {@code onnx} and {@code models} of
 * mlsys.yaml, which the repository serves. Build it in Java with {@link #defaults()} and the {@code
 * with...} methods.
 *
 * @param modelRepository the Triton/KServe-layout model folder; null means none
 * @param onnx ONNX Runtime defaults for every model; null means {@link OnnxConfig#defaults()}
 * @param modelDefaults what every model gets unless its own config says otherwise (the default
 *     decorators); null means {@link ModelDefaultsConfig#defaults()}
 * @param models models named by uri, keyed by the name they are served under; each must have a uri
 */
public record ModelsConfig(
    ModelRepositoryConfig modelRepository,
    OnnxConfig onnx,
    ModelDefaultsConfig modelDefaults,
    Map<String, ModelConfig> models) {

  /** What a model name must look like. */
  public static final String EXPECTED_MODEL_NAME = "a model name of " + ModelConfig.EXPECTED_NAME;

  /**
   * @throws ConfigException listing every invalid model name and every model without a uri
   */
  public ModelsConfig {
    modelRepository = Objects.requireNonNullElseGet(modelRepository, ModelRepositoryConfig::none);
    onnx = Objects.requireNonNullElseGet(onnx, OnnxConfig::defaults);
    modelDefaults = Objects.requireNonNullElseGet(modelDefaults, ModelDefaultsConfig::defaults);
    models = models == null ? Map.of() : models;
    Violations violations = new Violations();
    // Sorted so that the messages come in a stable order.
    TreeMap<String, ModelConfig> sorted = new TreeMap<>();
    for (Map.Entry<String, ModelConfig> entry : models.entrySet()) {
      if (entry.getKey() == null) {
        violations.invalid("models", null, EXPECTED_MODEL_NAME);
      } else {
        sorted.put(entry.getKey(), entry.getValue());
      }
    }
    for (Map.Entry<String, ModelConfig> entry : sorted.entrySet()) {
      String name = entry.getKey();
      String path = "models." + name;
      if (!ModelConfig.isValidName(name)) {
        violations.invalid(path, name, EXPECTED_MODEL_NAME);
      } else if (entry.getValue() == null) {
        violations.invalid(path, null, "a model with at least a uri or a registry reference");
      } else if (entry.getValue().uri() == null && entry.getValue().registry() == null) {
        violations.add(
            path + ".uri",
            "missing (expected: "
                + ModelConfig.EXPECTED_URI
                + "; or registry: "
                + ModelConfig.EXPECTED_REGISTRY
                + ")");
      } else {
        try {
          entry.getValue().decoratorChain(modelDefaults);
        } catch (ConfigException e) {
          violations.addAll(path, e);
        }
      }
    }
    violations.throwIfAny(null);
    models = Map.copyOf(models);
  }

  /** No repository folder, no models, the ONNX defaults. */
  @ConfigDefaults
  public static ModelsConfig defaults() {
    return new ModelsConfig(null, null, null, null);
  }

  public ModelsConfig withModelRepository(ModelRepositoryConfig newModelRepository) {
    return new ModelsConfig(newModelRepository, onnx, modelDefaults, models);
  }

  public ModelsConfig withOnnx(OnnxConfig newOnnx) {
    return new ModelsConfig(modelRepository, newOnnx, modelDefaults, models);
  }

  public ModelsConfig withModelDefaults(ModelDefaultsConfig newModelDefaults) {
    return new ModelsConfig(modelRepository, onnx, newModelDefaults, models);
  }

  public ModelsConfig withModels(Map<String, ModelConfig> newModels) {
    return new ModelsConfig(modelRepository, onnx, modelDefaults, newModels);
  }

  /** The same config with one more model (or that model replaced). */
  public ModelsConfig withModel(String name, ModelConfig model) {
    Map<String, ModelConfig> newModels = new HashMap<>(models);
    newModels.put(name, model);
    return withModels(newModels);
  }
}
