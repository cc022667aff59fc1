package io.mlsys.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.config.MlsysConfig;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelSource;
import java.util.logging.Logger;

/** Builds the whole server from {@code mlsys.yaml}: the production object graph. */
final class ServerWiring {
  private ServerWiring() {}

  static MlsysServer fromConfig(MlsysConfig config) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ModelRepository repository =
        ModelRepository.create(config, ServerWiring::loadOnnx, new LoadMetricsListener(registry));
    MlsysServer.Builder builder =
        MlsysServer.builder()
            .config(config.server())
            .repository(repository)
            .meterRegistry(registry)
            .loadModelsOnStart(true);
    if (config.server().accessLog()) {
      Logger accessLogger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
      if (accessLogger.getHandlers().length == 0) {
        // Nobody configured the access log: JSON lines to stdout, written off the request thread.
        AsyncLogHandler handler = AsyncLogHandler.jsonLinesToStdout();
        accessLogger.addHandler(handler);
        accessLogger.setUseParentHandlers(false);
        builder.closeOnStop(
            () -> {
              accessLogger.removeHandler(handler);
              accessLogger.setUseParentHandlers(true);
              handler.close();
            });
      }
    }
    return builder.build();
  }

  /** The ONNX Runtime model loader: one session per model version. */
  static Model loadOnnx(ModelSource source) {
    if (!OnnxModel.PLATFORM.equals(source.platform())) {
      throw new ModelLoadException(
          source.name(),
          "platform '"
              + source.platform()
              + "' is not supported (expected: "
              + OnnxModel.PLATFORM
              + ")",
          null);
    }
    OnnxModelOptions options;
    try {
      options =
          new OnnxModelOptions(
              source.name(),
              source.version(),
              source.intraOpThreads(),
              source.labels(),
              source.defaultOutputs(),
              OnnxModelOptions.DEFAULT_ALLOW_NON_FINITE);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(source.name(), e.getMessage(), e);
    }
    return OnnxModel.load(source.file(), options);
  }
}
