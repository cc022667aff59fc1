package io.mlsys.client;

// Tests of io.mlsys.client against a real mlsys server live here: the client module cannot
// depend on the server (the server depends on the client through the graphs).

import io.mlsys.core.CallContext;
import io.mlsys.core.Tensor;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.ServerConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real second mlsys server on an ephemeral loopback port, started before each test and stopped
 * after, serving the scikit-learn iris SVC from the shared fixtures as model {@code iris} version
 * {@code 1} with its labels. Also holds the fixture README's rows and expected answers.
 */
final class IrisServer implements BeforeEachCallback, AfterEachCallback {
  static final String MODEL = "iris";
  static final String INPUT = "float_input";
  static final String LABEL = "output_label";
  static final String PROBABILITY = "output_probability";
  static final double TOLERANCE = 1e-5;

  /** The README rows, iris_svc's P(setosa, versicolor, virginica) and label for each. */
  static final float[][] ROWS = {
    {5.1f, 3.5f, 1.4f, 0.2f},
    {1f, 2f, 3f, 4f},
    {6.7f, 3.0f, 5.2f, 2.3f},
    {50f, 30.1f, 111.4f, 110.2f}
  };

  static final float[][] PROBABILITIES = {
    {0.9709316f, 0.015583082f, 0.0134853665f},
    {0.36133277f, 0.25747606f, 0.38119125f},
    {0.009793723f, 0.009877714f, 0.9803286f},
    {0.36135396f, 0.2574421f, 0.38120386f}
  };

  static final long[] LABELS = {0, 2, 2, 2};

  static final CallContext CONTEXT = CallContext.of(Clock.systemUTC());

  private Path dir;
  private MlsysServer server;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    Path svc = Fixtures.require("sklearn-iris/iris_svc.onnx");
    Path labels = Fixtures.require("sklearn-iris/label.json");
    dir = Files.createTempDirectory("mlsys-client-test");
    Path iris = Files.createDirectories(dir.resolve("models/iris/1")).getParent();
    Files.copy(svc, iris.resolve("1/model.onnx"));
    Files.copy(labels, iris.resolve("label.json"));
    Files.writeString(iris.resolve("config.yaml"), "labels: label.json\n");
    // Loopback, ephemeral port, no gRPC listener, no access log: nothing that clashes with
    // another test run on the same machine.
    ServerConfig serverConfig =
        ServerConfig.defaults()
            .withHost("127.0.0.1")
            .withPort(0)
            .withGrpcPort(null)
            .withWatchConfig(false)
            .withShutdownGrace(Duration.ofSeconds(5))
            .withAccessLog(false);
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(serverConfig)
            .withModelRepository(ModelRepositoryConfig.of(dir.resolve("models")));
    server = MlsysServer.fromConfig(config).start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (server != null) {
      server.close();
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(IrisServer::delete);
      }
    }
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  MlsysServer server() {
    return server;
  }

  URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  /** One README row as a [1, 4] input. */
  static Tensor row(int index) {
    return Tensor.ofFloats(INPUT, new long[] {1, 4}, ROWS[index].clone());
  }

  /** All README rows as one [4, 4] batch. */
  static Tensor allRows() {
    float[] values = new float[ROWS.length * 4];
    for (int i = 0; i < ROWS.length; i++) {
      System.arraycopy(ROWS[i], 0, values, i * 4, 4);
    }
    return Tensor.ofFloats(INPUT, new long[] {ROWS.length, 4}, values);
  }
}
