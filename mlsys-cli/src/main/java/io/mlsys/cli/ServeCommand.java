package io.mlsys.cli;

import io.mlsys.batch.BatchJob;
import io.mlsys.config.ConfigException;
import io.mlsys.predictionlog.PredictionLogConfig;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys serve}: serve the models of a repository folder and/or an mlsys.yaml. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serves models over the Open Inference Protocol (REST and gRPC) and KServe V1.",
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
      names = "--grpc-port",
      paramLabel = "N|off",
      description =
          "gRPC port (0 picks a free one, off serves no gRPC); overrides server.grpc-port"
              + " (default 8081).")
  String grpcPort;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description =
          "Interface to bind; overrides server.host (default 127.0.0.1: this machine only)."
              + " In a container use 0.0.0.0; beyond loopback, state changes need a bearer"
              + " token (docs/security.md).")
  String host;

  @Option(
      names = "--prediction-log",
      paramLabel = "DIR",
      description =
          "Record every prediction of every model as a JSON line in rotating files under DIR;"
              + " overrides prediction-log.jsonl.dir (docs/observability.md).")
  Path predictionLog;

  @Option(
      names = "--otlp-endpoint",
      paramLabel = "URL",
      description =
          "Export a span per request, graph node and model call over OTLP/HTTP to URL (a"
              + " collector, e.g. http://localhost:4318); overrides tracing.otlp-endpoint"
              + " (docs/observability.md).")
  String otlpEndpoint;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Override
  public Integer call() throws InterruptedException {
    MlsysConfig config = effectiveConfig();
    Map<String, BatchJob> scheduled = ServerRunner.scheduledJobs(config);
    dataDir.prepareOnnxRuntime(spec.commandLine().getErr());
    // From a file, the server also reloads the file's graphs when it changes (flags re-applied).
    MlsysServer server =
        configFile == null
            ? ServerRunner.start(config)
            : ServerRunner.start(configFile, this::applyFlags);
    PrintWriter out = spec.commandLine().getOut();
    out.println(startupLine(displayHost(config), server));
    ServerRunner.printModels(server, out);
    ServerRunner.Schedules schedules;
    try {
      schedules = ServerRunner.startSchedules(scheduled, config, server, Clock.systemUTC());
    } catch (RuntimeException e) {
      server.stop();
      throw e;
    }
    if (schedules != null) {
      out.println("  batch jobs on their schedules: " + String.join(", ", scheduled.keySet()));
      out.flush();
    }
    ServerRunner.awaitShutdown(server, schedules);
    return 0;
  }

  MlsysConfig effectiveConfig() {
    return applyFlags(
        configFile == null ? MlsysConfig.defaults() : MlsysConfigLoader.load(configFile));
  }

  /** The flags on top of a config read from the file (or the defaults). */
  MlsysConfig applyFlags(MlsysConfig fileConfig) {
    MlsysConfig config = fileConfig;
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
    if (grpcPort != null) {
      config = config.withServer(config.server().withGrpcPort(parseGrpcPort(grpcPort)));
    }
    if (dataDir.dataDir != null) {
      // The flag wins over the file's data-dir, for the registry's store and the log's journals
      // as for the native libraries.
      config = config.withDataDir(dataDir.dataDir.toAbsolutePath().normalize());
    }
    if (predictionLog != null) {
      PredictionLogConfig log = config.predictionLog();
      config =
          config.withPredictionLog(
              log.withJsonl(log.jsonl().withDir(predictionLog.toAbsolutePath().normalize())));
    }
    if (otlpEndpoint != null) {
      config = config.withTracing(config.tracing().withOtlpEndpoint(otlpEndpoint));
    }
    if (config.modelRepository().path() == null
        && config.models().isEmpty()
        && config.graphs().isEmpty()) {
      throw new ConfigException(
          "model-repository.path",
          "nothing to serve (expected: --model-repository DIR, or --config FILE naming"
              + " model-repository.path, models or graphs)");
    }
    return config;
  }

  /** {@code --grpc-port}: a port from 0 to 65535, or {@code off} (null: no gRPC). */
  static Integer parseGrpcPort(String value) {
    if (value.equalsIgnoreCase("off")) {
      return null;
    }
    String digits = value.trim();
    if (digits.matches("[0-9]{1,5}") && Integer.parseInt(digits) <= 65535) {
      return Integer.parseInt(digits);
    }
    throw new ConfigException(
        "--grpc-port", "'" + value + "' (expected: an integer from 0 to 65535, or off)");
  }

  /** The line that tells where the server listens: HTTP and, when on, gRPC. */
  static String startupLine(String host, MlsysServer server) {
    String line = "mlsys serving on http://" + host + ":" + server.port();
    return server.grpcPort() < 0
        ? line + " (gRPC off)"
        : line + ", gRPC on " + host + ":" + server.grpcPort();
  }

  static String displayHost(MlsysConfig config) {
    String host = config.server().host();
    return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
  }
}
