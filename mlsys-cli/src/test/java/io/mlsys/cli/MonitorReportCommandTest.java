package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.MlsysServer;
import io.mlsys.testing.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys monitor report --store}: the report from the store a server's log wrote. */
class MonitorReportCommandTest {
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
  void readsTheStoreOfTheServersConfigForATimeRange() throws Exception {
    Path version = Files.createDirectories(dir.resolve("models/iris/1"));
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), version.resolve("model.onnx"));
    Path config = dir.resolve("mlsys.yaml");
    Files.writeString(
        config,
        "data-dir: data\n"
            + "model-repository: { path: models }\n"
            + "server: { access-log: false }\n"
            + "prediction-log: { store: { enabled: true } }\n");
    ServeCommand serve = new ServeCommand();
    new CommandLine(serve)
        .parseArgs(
            "--config",
            config.toString(),
            "--port",
            "0",
            "--host",
            "127.0.0.1",
            "--grpc-port",
            "off");
    Instant before = Instant.now().minusSeconds(1);
    int n = 12;
    try (MlsysServer server = ServerRunner.start(serve.effectiveConfig());
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < n; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\","
                                + " \"shape\": [1, 4], \"data\": [5.1, 3.5, 1.4, 0.2]}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
    }
    Instant after = Instant.now().plusSeconds(1);
    Path html = dir.resolve("report.html");

    int exit =
        run(
            "monitor",
            "report",
            "--store",
            "--config",
            config.toString(),
            "--model",
            "iris",
            "--from",
            before.toString(),
            "--to",
            after.toString(),
            "-o",
            html.toString());

    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("wrote " + html + ": " + n + " calls");
    assertThat(Files.readString(html))
        .startsWith("<!DOCTYPE html>")
        .contains("<p>" + n + " calls from " + before);
  }

  @Test
  void needsExactlyOneSourceOfEvents() {
    Path html = dir.resolve("report.html");
    assertThat(run("monitor", "report", "--model", "iris", "-o", html.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--log or --store: neither given");
    assertThat(
            run(
                "monitor",
                "report",
                "--store",
                "--log",
                dir.toString(),
                "--model",
                "iris",
                "-o",
                html.toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--log or --store: both given");
  }
}
