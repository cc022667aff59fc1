package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void versionNamesTheJavaRuntime() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("mlsys").contains("Java " + Runtime.version().feature());
  }

  @Test
  void serveWithNothingToServeIsAConfigErrorNamingTheFlags() {
    assertThat(run("serve", "--port", "0")).isEqualTo(CliErrorHandler.EXIT_CONFIG);
    assertThat(err.toString()).contains("model-repository.path").contains("--model-repository");
  }

  @Test
  void serveReportsEveryConfigViolationWithItsKeyPath() throws IOException {
    Path config = dir.resolve("mlsys.yaml");
    Files.writeString(config, "server:\n  prot: 8080\nmodels:\n  iris: { version: 1 }\n");

    assertThat(run("serve", "--config", config.toString())).isEqualTo(CliErrorHandler.EXIT_CONFIG);

    assertThat(err.toString()).contains("server.prot").contains("models.iris");
  }

  @Test
  void flagsOverrideTheConfigFile() throws IOException {
    Path config = dir.resolve("mlsys.yaml");
    Files.createDirectories(dir.resolve("from-file"));
    Files.createDirectories(dir.resolve("from-flag"));
    Files.writeString(
        config, "server: { port: 9000, host: 127.0.0.1 }\nmodel-repository: { path: from-file }\n");
    ServeCommand serve = new ServeCommand();
    serve.configFile = config;
    serve.modelRepository = dir.resolve("from-flag");
    serve.port = 0;

    MlsysConfig effective = serve.effectiveConfig();

    assertThat(effective.server().port()).isZero();
    assertThat(effective.server().host()).isEqualTo("127.0.0.1");
    assertThat(effective.modelRepository().path()).isEqualTo(dir.resolve("from-flag"));
  }

  @Test
  void trainDemoWritesAServableRepositoryVersion() {
    assertThat(
            run(
                "train-demo",
                "--model-repository",
                dir.toString(),
                "--name",
                "flowers",
                "--model-version",
                "3"))
        .isZero();

    assertThat(dir.resolve("flowers/3/model.onnx")).isRegularFile();
    assertThat(dir.resolve("flowers/labels.json")).isRegularFile();
    assertThat(out.toString()).contains("accuracy");
  }

  @Test
  void trainStandInsWritesTheFixturesFilesTheExamplesRead() {
    assertThat(run("train-stand-ins", dir.toString())).isZero();

    assertThat(dir.resolve("sklearn-iris"))
        .isDirectoryContaining("glob:**/iris_svc.onnx")
        .isDirectoryContaining("glob:**/label.json")
        .isDirectoryContaining("glob:**/iris_svc_0_setosa.onnx")
        .isDirectoryContaining("glob:**/iris_svc_0_versicolor.onnx")
        .isDirectoryContaining("glob:**/iris_svc_0_virginica.onnx");
    assertThat(out.toString()).contains("wrote " + dir.resolve("sklearn-iris/iris_svc.onnx"));
  }

  /**
   * The README's first command, minus the blocking wait: train, register, alias, write, serve,
   * answer with the registry version and its lineage.
   */
  @Test
  void quickstartServesTheRegisteredChampionOverHttp() throws Exception {
    assertThat(
            run(
                "quickstart",
                "--dir",
                dir.toString(),
                "--port",
                "0",
                "--grpc-port",
                "0",
                "--no-serve"))
        .isZero();
    MlsysConfig config = MlsysConfigLoader.load(dir.resolve("mlsys.yaml"));
    assertThat(config.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(config.modelSources().models().get("iris").registry()).isEqualTo("iris@champion");

    try (MlsysServer server = ServerRunner.start(config)) {
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> ready =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/health/ready")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> predict =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/models/iris:predict"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(predict.statusCode()).as(predict.body()).isEqualTo(200);
      assertThat(predict.body()).isEqualTo("{\"predictions\":[\"setosa\",\"virginica\"]}");
      HttpResponse<String> metadata =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/iris")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(metadata.body())
          .contains("\"versions\":[\"1\"]")
          .contains("\"registry.alias\":\"champion\"")
          .contains("\"registry.run_id\":")
          .contains("\"registry.dataset_digest\":\"sha256:");
      assertThat(metadata.body().length())
          .as("compact lineage, no provenance dump")
          .isLessThan(4096);
    }
    assertThat(out.toString())
        .contains("registered iris/1 (1.0.0-1.1)")
        .contains("alias champion -> version 1");
  }

  @Test
  void quickstartPrintsCommandsForTheActualPort() {
    String text = QuickstartCommand.tryIt(18080, new float[] {5.1f, 3.5f, 1.4f, 0.2f});

    assertThat(text)
        .contains("http://localhost:18080/v2/models/iris/infer")
        .contains("[5.1,3.5,1.4,0.2]")
        .contains("/v1/models/iris:predict");
  }
}
