package io.mlsys.cli;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigLoader;
import io.mlsys.config.MlsysConfig;
import io.mlsys.config.ModelRepositoryConfig;
import io.mlsys.server.MlsysServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys serve}: serve the models of a repository folder and/or an mlsys.yaml. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves models over the Open Inference Protocol (REST) and KServe V1.",
      "Models come from a repository folder (DIR/<model>/<version>/model.onnx, optional"
          + " DIR/<model>/config.yaml) and/or from `models:` in mlsys.yaml.",
      "Flags override the config file."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "mlsys.yaml to read (keys: docs/configuration.md).")
  Path configFile;

  @Option(
      names = {"-m", "--model-repository"},
      paramLabel = "DIR",
      description = "Model repository folder; overrides model-repository.path.")
  Path modelRepository;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "N",
      description = "HTTP port (0 picks a free one); overrides server.port (default 8080).")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Interface to bind; overrides server.host (default 0.0.0.0).")
  String host;

  @Override
  public Integer call() throws InterruptedException {
    MlsysConfig config = effectiveConfig();
    MlsysServer server = ServerRunner.start(config);
    PrintWriter out = spec.commandLine().getOut();
    out.printf("mlsys serving on http://%s:%d%n", displayHost(config), server.port());
    ServerRunner.printModels(server, out);
    ServerRunner.awaitShutdown(server);
    return 0;
  }

  MlsysConfig effectiveConfig() {
    MlsysConfig config =
        configFile == null ? MlsysConfig.defaults() : ConfigLoader.load(configFile);
    if (modelRepository != null) {
      config =
          config.withModelRepository(
              ModelRepositoryConfig.of(modelRepository.toAbsolutePath().normalize()));
    }
    if (port != null) {
      config = config.withServer(config.server().withPort(port));
    }
    if (host != null) {
      config = config.withServer(config.server().withHost(host));
    }
    if (config.modelRepository().path() == null && config.models().isEmpty()) {
      throw new ConfigException(
          "model-repository.path",
          "nothing to serve (expected: --model-repository DIR, or --config FILE naming"
              + " model-repository.path or models)");
    }
    return config;
  }

  static String displayHost(MlsysConfig config) {
    String host = config.server().host();
    return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }
}
