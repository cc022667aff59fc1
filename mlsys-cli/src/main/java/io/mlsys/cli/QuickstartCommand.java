package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.repository.ModelLoader;
import io.mlsys.server.MlsysServer;
import io.mlsys.store.StoreConfig;
import io.mlsys.training.IrisDemo;
import io.mlsys.training.IrisDemoConfig;
import io.mlsys.training.TrainingConfig;
import io.mlsys.training.TrainingPipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys quickstart}: train the Iris demo in Java (Tribuo), record the run and register the
 * ONNX export in the model registry, point the {@code champion} alias at it, and serve {@code
 * iris@champion} (train -> register -> alias -> serve).
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the Iris demo model in Java with Tribuo, records the run and registers the ONNX"
          + " export in the model registry (DIR/data), moves the champion alias to it, writes an"
          + " mlsys.yaml that serves iris@champion, and serves it.",
      "Prints the curl commands to try and where to look."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String MODEL_NAME = "iris";
  static final String ALIAS = "champion";

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      defaultValue = "quickstart",
      description =
          "Folder for mlsys.yaml and, unless --data-dir says otherwise, the registry (DIR/data)"
              + " (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "N",
      defaultValue = "8080",
      description = "HTTP port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(
      names = "--grpc-port",
      paramLabel = "N|off",
      defaultValue = "8081",
      description =
          "gRPC port (default: ${DEFAULT-VALUE}; 0 picks a free one, off serves no gRPC).")
  String grpcPort;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Training seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--no-serve",
      description = "Only train, register and write mlsys.yaml; do not start the server.")
  boolean noServe;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "The registry's folder (default: DIR/data of --dir).")
  Path dataDir;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Path root = dir.toAbsolutePath().normalize();
    Path registryDir =
        dataDir != null ? dataDir.toAbsolutePath().normalize() : root.resolve("data");
    Files.createDirectories(registryDir);
    DataDirOption nativeLibraries = new DataDirOption();
    nativeLibraries.dataDir = registryDir;
    nativeLibraries.prepareOnnxRuntime(spec.commandLine().getErr());

    // Tribuo logs every training run at INFO; the summary below says what matters.
    Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
    out.printf("Training %s on the bundled Iris data with Tribuo...%n", MODEL_NAME);
    out.flush();
    TrainingPipeline.Outcome outcome;
    try (ModelRegistry registry =
        RegistryFiles.open(
            StoreConfig.defaults(),
            registryDir,
            RegistryConfig.defaults(),
            ModelLoader.installedRuntimes())) {
      TrainingPipeline.Request request =
          new TrainingPipeline.Request(
              TrainingConfig.defaults().withSplit(IrisDemoConfig.DEFAULT_TRAIN_PROPORTION, seed),
              MODEL_NAME,
              null,
              "trained by mlsys quickstart",
              null,
              null,
              ALIAS,
              root);
      outcome =
          new TrainingPipeline(registry, Clock.systemUTC())
              .run(request, System.getProperty("user.name", "quickstart"));
    }
    ModelVersion version = outcome.version();
    out.println("  " + outcome.trained().summary());
    out.println("  tracking run " + outcome.run().runId() + " " + outcome.run().status());
    out.println(
        "  registered "
            + version.model()
            + "/"
            + version.version()
            + (version.versionName() == null ? "" : " (" + version.versionName() + ")")
            + ", artifact "
            + version.artifactDigest());
    TrainingPipeline.AliasOutcome alias = outcome.alias();
    out.println(
        "  alias "
            + ALIAS
            + (alias.moved()
                ? " -> version " + version.version()
                : " kept (" + alias.detail() + ")"));

    Path configFile = root.resolve("mlsys.yaml");
    Files.writeString(
        configFile,
        configYaml(port, ServeCommand.parseGrpcPort(grpcPort), root.relativize(registryDir)));
    out.println("  wrote " + configFile);
    if (noServe) {
      out.printf("Serve it with: ./mlsys serve --config %s%n", configFile);
      out.flush();
      return 0;
    }

    // Serve from the file just written, so what runs is exactly what `mlsys serve` would run.
    MlsysServer server = ServerRunner.start(configFile, UnaryOperator.identity());
    out.println(ServeCommand.startupLine("localhost", server));
    ServerRunner.printModels(server, out);
    out.print(tryIt(server.port(), IrisDemo.exampleRow()));
    out.print(whereToLook(server.port(), configFile));
    out.flush();
    ServerRunner.awaitShutdown(server);
    return 0;
  }

  /** The quickstart's mlsys.yaml: the registry in {@code dataDir} (relative to the file). */
  static String configYaml(int port, Integer grpcPort, Path dataDir) {
    String folder = dataDir.toString().isEmpty() ? "." : dataDir.toString();
    return """
        # Written by `mlsys quickstart`; serve it again with: ./mlsys serve --config <this file>
        server:
          port: %d
          grpc-port: %s
        # The model registry (SQLite) and its artifacts.
        data-dir: "%s"
        models:
          # The version the champion alias points to; the server follows the alias as it moves.
          iris:
            registry: "%s@%s"
        """
        .formatted(
            port,
            grpcPort == null ? "null" : grpcPort.toString(),
            folder.replace("\\", "/"),
            MODEL_NAME,
            ALIAS);
  }

  /** Where the registry shows what was trained, and how to move the alias. */
  static String whereToLook(int port, Path configFile) {
    String base = "http://localhost:" + port;
    return """
        Where it came from (the registry):

          ./mlsys registry show %2$s --config %3$s
          curl -s '%1$s/api/2.0/mlflow/registered-models/get?name=%2$s'
          curl -s %1$s/v2/registry/models/%2$s/versions
          curl -s %1$s/v2/registry/audit

        Train another version and move the alias; the server switches to it within seconds:

          ./mlsys train --seed 7 --alias %4$s --config %3$s

        """
        .formatted(base, MODEL_NAME, configFile, ALIAS);
  }

  /** The commands a newcomer pastes next. */
  static String tryIt(int port, float[] row) {
    String base = "http://localhost:" + port;
    String values = formatRow(row);
    return """

        mlsys is serving the Iris demo on %1$s (Ctrl-C stops it). Try:

          curl -s %1$s/v2/health/ready -o /dev/null -w '%%{http_code}\\n'
          curl -s %1$s/v2/models/%2$s
          curl -s -H 'Content-Type: application/json' %1$s/v2/models/%2$s/infer \\
            -d '{"inputs":[{"name":"%3$s","shape":[2,4],"datatype":"FP32","data":[%4$s,[6.7,3.0,5.2,2.3]]}]}'
          curl -s -H 'Content-Type: application/json' %1$s/v1/models/%2$s:predict \\
            -d '{"instances":[%4$s,[6.7,3.0,5.2,2.3]]}'
          curl -s %1$s/v2/models/%2$s/stats
          curl -s %1$s/metrics | grep '^mlsys_'

        """
        .formatted(base, MODEL_NAME, IrisDemo.INPUT_NAME, values);
  }

  private static String formatRow(float[] row) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < row.length; i++) {
      text.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%s", row[i]));
    }
    return text.append(']').toString();
  }
}
