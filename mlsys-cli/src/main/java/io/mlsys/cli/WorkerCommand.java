package io.mlsys.cli;

import io.mlsys.config.ConfigException;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys worker}: runs asynchronous jobs only, against the store and queue of the same
 * mlsys.yaml as the servers that accept them, with the models loaded from the same config. It
 * serves health and metrics (not for clients) on a loopback port; SIGTERM stops it cleanly: jobs in
 * flight finish within {@code server.shutdown-grace}, the rest go back to the queue.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description = {
      "Runs asynchronous inference jobs (jobs: in mlsys.yaml) submitted to any server that shares"
          + " its store and queue. Scale out by starting more workers.",
      "Serves /v2/health/* and /metrics on a loopback port (--port, default a free one)."
    })
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "mlsys.yaml to read (the same as the servers').")
  Path configFile;

  @Option(
      names = {"-m", "--model-repository"},
      paramLabel = "DIR",
      description = "Model repository folder; overrides model-repository.path.")
  Path modelRepository;

  @Option(
      names = {"-t", "--threads"},
      paramLabel = "N",
      description = "Worker threads; overrides jobs.workers (default 2 when that is 0).")
  Integer threads;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "N",
      description = "Port of the health and metrics endpoints (default 0: a free one).")
  int port;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Override
  public Integer call() throws InterruptedException {
    MlsysConfig config =
        applyFlags(
            configFile == null ? MlsysConfig.defaults() : MlsysConfigLoader.load(configFile));
    dataDir.prepareOnnxRuntime(spec.commandLine().getErr());
    MlsysServer server = ServerRunner.start(config);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "mlsys worker: "
            + config.jobs().workers()
            + " threads on the "
            + io.mlsys.config.ConfigBinder.nameOf(config.jobs().queue())
            + " queue; health on http://127.0.0.1:"
            + server.port());
    ServerRunner.printModels(server, out);
    ServerRunner.awaitShutdown(server);
    return 0;
  }

  /** The flags on top of the file: workers on, no gRPC, loopback only. */
  MlsysConfig applyFlags(MlsysConfig fileConfig) {
    MlsysConfig config = fileConfig;
    if (modelRepository != null) {
      config =
          config.withModelRepository(
              ModelRepositoryConfig.of(modelRepository.toAbsolutePath().normalize()));
    }
    if (dataDir.dataDir != null) {
      config = config.withDataDir(dataDir.dataDir.toAbsolutePath().normalize());
    }
    int workers = threads != null ? threads : config.jobs().workers();
    if (workers == 0) {
      workers = io.mlsys.queue.JobsConfig.DEFAULT_WORKERS;
    }
    if (workers < 1) {
      throw new ConfigException("--threads", workers + " (expected: an integer >= 1)");
    }
    config = config.withJobs(config.jobs().withEnabled(true).withWorkers(workers));
    config =
        config.withServer(config.server().withHost("127.0.0.1").withPort(port).withGrpcPort(null));
    if (config.modelRepository().path() == null
        && config.models().isEmpty()
        && config.graphs().isEmpty()) {
      throw new ConfigException(
          "model-repository.path",
          "nothing to run jobs on (expected: --model-repository DIR, or --config FILE naming"
              + " model-repository.path, models or graphs)");
    }
    return config;
  }
}
