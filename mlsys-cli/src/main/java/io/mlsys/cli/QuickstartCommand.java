package io.mlsys.cli;

import io.mlsys.server.MlsysServer;
import io.mlsys.training.IrisDemo;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys quickstart}: train the Iris demo in Java (Tribuo), export it to ONNX, write it into
 * a model repository and serve it.
 */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the Iris demo model in Java with Tribuo, exports it to ONNX, writes it into a model"
          + " repository (DIR/models/iris/1/model.onnx) with an mlsys.yaml, and serves it.",
      "Prints the curl commands to try."
    })
final class QuickstartCommand implements Callable<Integer> {
  static final String MODEL_NAME = "iris";

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      defaultValue = "quickstart",
      description = "Folder for the model repository and mlsys.yaml (default: ${DEFAULT-VALUE}).")
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
      description = "Only train and write the repository; do not start the server.")
  boolean noServe;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (!noServe) {
      dataDir.prepareOnnxRuntime(spec.commandLine().getErr());
    }
    Path root = dir.toAbsolutePath().normalize();
    Path repository = root.resolve("models");
    Files.createDirectories(repository);
    Path modelDir =
        TrainDemoCommand.train(repository, MODEL_NAME, IrisDemo.DEFAULT_VERSION, seed, out);
    out.println(
        "  exported to ONNX: " + modelDir.resolve(IrisDemo.DEFAULT_VERSION + "/model.onnx"));

    Path configFile = root.resolve("mlsys.yaml");
    Files.writeString(configFile, configYaml(port, ServeCommand.parseGrpcPort(grpcPort)));
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
    out.flush();
    ServerRunner.awaitShutdown(server);
    return 0;
  }

  static String configYaml(int port, Integer grpcPort) {
    return """
        # Written by `mlsys quickstart`; serve it again with: ./mlsys serve --config <this file>
        server:
          port: %d
          grpc-port: %s
        model-repository:
          path: ./models
        """
        .formatted(port, grpcPort == null ? "null" : grpcPort.toString());
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
