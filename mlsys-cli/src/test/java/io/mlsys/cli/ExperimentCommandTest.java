package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.experiments.ExperimentState;
import io.mlsys.experiments.Experiments;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mlsys experiment} against the store a server wrote: traffic and feedback go through a
 * server, which then stops; the commands read what it left.
 */
class ExperimentCommandTest {
  @TempDir Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int experiment(Path config, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("experiment"));
    all.addAll(List.of(args));
    all.addAll(
        List.of("--config", config.toString(), "--data-dir", dir.resolve("data").toString()));
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(all.toArray(String[]::new));
  }

  @Test
  void listShowReportAndPromoteFromTheStore() throws Exception {
    Path config = dir.resolve("mlsys.yaml");
    Files.writeString(
        config,
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris-svc: { uri: %s }
          forest: { uri: %s }
        prediction-log:
          store: { enabled: true }
        graphs:
          iris-ab:
            split:
              key: { header: x-user }
              arms:
                a: { weight: 50, model: iris-svc }
                b: { weight: 50, model: forest }
        """
            .formatted(
                Fixtures.require("sklearn-iris/iris_svc.onnx"),
                Fixtures.require("sklearn-iris/iris_svc_0_setosa.onnx")));
    try (MlsysServer server =
            MlsysServer.fromConfig(MlsysConfigLoader.load(config).withDataDir(dir.resolve("data")))
                .start();
        HttpClient client = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();
      StringBuilder feedback = new StringBuilder("{\"feedback\": [");
      for (int i = 0; i < 100; i++) {
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/models/iris-ab/infer"))
                    .header("x-user", "user-" + (i % 50))
                    .header("X-Request-Id", "req-" + i)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4],"
                                + " \"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        feedback
            .append(i == 0 ? "" : ",")
            .append("{\"request_id\": \"req-" + i + "\", \"reward\": 1}");
      }
      HttpResponse<String> sent =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/models/iris-ab/feedback"))
                  .POST(HttpRequest.BodyPublishers.ofString(feedback + "]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sent.body()).isEqualTo("{\"accepted\":100}");
      // The report flushes the exposures to the store before the server stops.
      client.send(
          HttpRequest.newBuilder(URI.create(base + "/v2/experiments/iris-ab/report")).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    assertThat(experiment(config, "list")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("iris-ab").contains("split").contains("running");
    assertThat(experiment(config, "show", "iris-ab")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"kind\" : \"split\"");

    Path html = dir.resolve("report.html");
    Path json = dir.resolve("report.json");
    int reported =
        experiment(config, "report", "iris-ab", "-o", html.toString(), "--json", json.toString());
    assertThat(reported).as(err.toString()).isZero();
    assertThat(out.toString()).contains("verdict not_enough_data");
    assertThat(Files.readString(html)).contains("<svg").contains("Arms over time");
    // Every call converted: 50 units, all with outcome 1.
    assertThat(Files.readString(json)).contains("\"feedback_joined\" : 100");

    assertThat(experiment(config, "promote", "iris-ab")).isNotZero();
    assertThat(err.toString()).contains("is running").contains("concluded");
  }

  @Test
  void experimentsNestedBelowAGraphsRootAreListedShownReportedAndPromoted() throws Exception {
    Path config = dir.resolve("mlsys.yaml");
    Files.writeString(
        config,
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris-svc: { uri: %s }
          forest: { uri: %s }
        graphs:
          pipe:
            sequence:
              ab:
                split:
                  key: { header: x-user }
                  arms:
                    a: { weight: 50, model: iris-svc }
                    b: { weight: 50, model: forest }
          shadowed:
            sequence:
              shadow:
                mirror:
                  primary: { model: iris-svc }
                  candidates: { forest: { model: forest } }
        """
            .formatted(
                Fixtures.require("sklearn-iris/iris_svc.onnx"),
                Fixtures.require("sklearn-iris/iris_svc_0_setosa.onnx")));

    // A server names them <graph>:<parameter path of the node> and records their calls.
    try (MlsysServer server =
            MlsysServer.fromConfig(MlsysConfigLoader.load(config).withDataDir(dir.resolve("data")))
                .start();
        HttpClient client = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + server.port();
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> answer =
            client.send(
                HttpRequest.newBuilder(URI.create(base + "/v2/models/pipe/infer"))
                    .header("x-user", "user-" + i)
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4],"
                                + " \"datatype\": \"FP32\", \"data\": [5.1, 3.5, 1.4, 0.2]}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      HttpResponse<String> report =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v2/experiments/pipe:sequence.ab/report"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(report.statusCode()).as(report.body()).isEqualTo(200);
      assertThat(report.body()).contains("\"count\":20");
    }

    // The CLI finds them under the same names, with what the server recorded.
    assertThat(experiment(config, "list")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("pipe:sequence.ab").contains("shadowed:sequence.shadow");
    assertThat(experiment(config, "show", "pipe:sequence.ab")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("\"kind\" : \"split\"").contains("\"served\" : true");
    Path html = dir.resolve("nested.html");
    Path json = dir.resolve("nested.json");
    assertThat(
            experiment(
                config,
                "report",
                "pipe:sequence.ab",
                "-o",
                html.toString(),
                "--json",
                json.toString()))
        .as(err.toString())
        .isZero();
    assertThat(Files.readString(json)).contains("\"count\" : 20");
    assertThat(experiment(config, "report", "shadowed:sequence.shadow", "-o", html.toString()))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("forest: not_enough_data");

    // Concluded (as PUT /v2/experiments/pipe:sequence.ab would), the winner's model is found.
    try (Experiments experiments =
        Experiments.open(
            StoreConfig.defaults(),
            dir.resolve("data"),
            Clock.systemUTC(),
            new SimpleMeterRegistry())) {
      experiments.declareGraphs(MlsysConfigLoader.load(config).graphs());
      experiments.changeState("pipe:sequence.ab", ExperimentState.CONCLUDED, "b", "test");
    }
    assertThat(experiment(config, "promote", "pipe:sequence.ab")).isNotZero();
    assertThat(err.toString()).contains("winner's model 'forest' is not a registry model");
  }
}
