package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.predictionlog.PredictionEvent;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys serve --prediction-log DIR}: every model's predictions as JSON lines under DIR. */
class PredictionLogFlagTest {
  @TempDir Path dir;

  private ServeCommand parse(String... args) {
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve).parseArgs(args);
    return serve;
  }

  @Test
  void theFlagSetsTheJsonlFolderAndKeepsTheFilesOtherSettings() throws Exception {
    Path config = dir.resolve("mlsys.yaml");
    Files.createDirectories(dir.resolve("models"));
    Files.writeString(
        config, "model-repository: { path: models }\nprediction-log: { sample-rate: 0.5 }\n");

    MlsysConfig effective =
        parse("--config", config.toString(), "--prediction-log", "logs").effectiveConfig();

    assertThat(effective.predictionLog().jsonl().dir())
        .isEqualTo(Path.of("logs").toAbsolutePath().normalize());
    assertThat(effective.predictionLog().model().sampleRate()).isEqualTo(0.5);
    assertThat(effective.predictionLog().hasSinks()).isTrue();
  }

  @Test
  void servingTheIrisModelWritesOneLinePerRequest() throws Exception {
    Path version = Files.createDirectories(dir.resolve("models/iris/1"));
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), version.resolve("model.onnx"));
    Path logs = dir.resolve("predictions");
    // The journals go to the config's data-dir (serve's --data-dir names only the native folder).
    Path config = dir.resolve("mlsys.yaml");
    Files.writeString(config, "data-dir: data\nserver: { access-log: false }\n");
    ServeCommand serve =
        parse(
            "--config",
            config.toString(),
            "--model-repository",
            dir.resolve("models").toString(),
            "--prediction-log",
            logs.toString(),
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--grpc-port",
            "off");
    int n = 25;
    try (MlsysServer server = ServerRunner.start(serve.effectiveConfig());
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < n; i++) {
        String body =
            "{\"id\": \"q-"
                + i
                + "\", \"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\","
                + " \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}";
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
    }
    List<String> requestIds = new ArrayList<>();
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          requestIds.add(PredictionEvent.fromJson(line).requestId());
        }
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add("q-" + i);
    }
    assertThat(requestIds).isEqualTo(expected);
  }
}
