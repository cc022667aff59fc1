package io.mlsys.config;

import java.util.Map;
import java.util.Objects;

/**
 * The whole {@code mlsys.yaml}: one file declares the server, the model repository and the models.
 *
 * @param server HTTP server settings
 * @param modelRepository the Triton/KServe-layout model folder, if any
 * @param onnx ONNX Runtime defaults for every model
 * @param models models named by path or uri, keyed by the name they are served under
 */
public record MlsysConfig(
    ServerConfig server,
    ModelRepositoryConfig modelRepository,
    OnnxConfig onnx,
    Map<String, ModelConfig> models) {

  public MlsysConfig {
    server = Objects.requireNonNullElseGet(server, ServerConfig::defaults);
    modelRepository = Objects.requireNonNullElseGet(modelRepository, ModelRepositoryConfig::none);
    onnx = Objects.requireNonNullElseGet(onnx, OnnxConfig::defaults);
    models = models == null ? Map.of() : Map.copyOf(models);
  }

  /** Every default: no models, port 8080. */
  public static MlsysConfig defaults() {
    return new MlsysConfig(null, null, null, null);
  }
}
