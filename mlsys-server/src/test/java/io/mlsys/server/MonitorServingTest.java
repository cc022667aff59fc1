package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prediction monitoring of the iris model from mlsys.yaml: a baseline CSV (the even rows of
 * rand_iris.csv), traffic from its odd rows, and drift planted in one feature.
 */
class MonitorServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private List<float[]> rows;

  private MlsysServer start(String monitoringYaml) throws IOException {
    return start(monitoringYaml, "");
  }

  private MlsysServer start(String monitoringYaml, String extraYaml) throws IOException {
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), dir.resolve("iris_svc.onnx"));
    rows = new ArrayList<>();
    for (String line : Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"))) {
      if (!line.isBlank()) {
        String[] cells = line.split(",");
        float[] row = new float[4];
        for (int i = 0; i < 4; i++) {
          row[i] = Float.parseFloat(cells[i].strip());
        }
        rows.add(row);
      }
    }
    StringBuilder csv = new StringBuilder("sepal_length,sepal_width,petal_length,petal_width\n");
    for (int r = 0; r < rows.size(); r += 2) {
      float[] row = rows.get(r);
      csv.append(row[0]).append(',').append(row[1]).append(',');
      csv.append(row[2]).append(',').append(row[3]).append('\n');
    }
    Files.writeString(dir.resolve("baseline.csv"), csv);
    String yaml =
        "models:\n"
            + "  iris:\n"
            + "    uri: iris_svc.onnx\n"
            + "    monitoring: "
            + monitoringYaml
            + "\n"
            + extraYaml;
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of())
            .withServer(MlsysServerExtension.config())
            .withDataDir(dir.resolve("data"));
    return MlsysServer.fromConfig(config).start();
  }

  /**
   * Sends every third odd row (spread over the file, which is not in random order), 20 per request,
   * petal length times {@code petalFactor}.
   */
  private static void send(
      HttpClient client, MlsysServer server, List<float[]> rows, float petalFactor, int requests)
      throws IOException, InterruptedException {
    for (int i = 0; i < requests; i++) {
      float[][] batch = new float[20][];
      for (int j = 0; j < 20; j++) {
        float[] row = rows.get(2 * 3 * (i * 20 + j) + 1).clone();
        row[2] *= petalFactor;
        batch[j] = row;
      }
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          IrisComponentTest.inferBody("r" + i, batch)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> get(HttpClient client, MlsysServer server, String path)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode feature(JsonNode version, String name) {
    for (JsonNode feature : version.get("features")) {
      if (feature.get("feature").asText().equals(name)) {
        return feature;
      }
    }
    throw new AssertionError("no feature " + name + " in " + version);
  }

  @Test
  void driftPlantedInOneFeatureShowsInTheStateAndTheGauges() throws Exception {
    try (MlsysServer server = start("{ baseline: baseline.csv }");
        HttpClient client = HttpClient.newHttpClient()) {
      send(client, server, rows, 1.3f, 100);

      HttpResponse<String> monitor = get(client, server, "/v2/models/iris/monitor");
      assertThat(monitor.statusCode()).isEqualTo(200);
      JsonNode version = JSON.readTree(monitor.body()).get("versions").get(0);
      assertThat(version.get("version").asText()).isEqualTo("1");
      assertThat(version.get("current").get("calls").asLong()).isEqualTo(100);
      assertThat(version.get("baseline").asText()).endsWith("baseline.csv");
      JsonNode petal = feature(version, "petal_length");
      assertThat(petal.get("count").asLong()).isEqualTo(2000);
      assertThat(petal.get("method").asText()).isEqualTo("wasserstein");
      assertThat(petal.get("drifted").asBoolean()).isTrue();
      assertThat(feature(version, "sepal_width").get("drifted").asBoolean()).isFalse();
      assertThat(version.get("alerts"))
          .anySatisfy(
              alert -> {
                assertThat(alert.get("rule").asText()).isEqualTo("feature-drifted");
                assertThat(alert.get("feature").asText()).isEqualTo("petal_length");
                assertThat(alert.get("status").asText()).isEqualTo("firing");
              });

      String metrics = get(client, server, "/metrics").body();
      assertThat(metrics)
          .contains(
              "mlsys_feature_drifted{feature=\"petal_length\",model=\"iris\",version=\"1\"} 1.0")
          .contains(
              "mlsys_feature_drifted{feature=\"sepal_width\",model=\"iris\",version=\"1\"} 0.0")
          .contains(
              "mlsys_feature_drift{feature=\"petal_length\",method=\"wasserstein\",model=\"iris\",version=\"1\"}")
          .contains("mlsys_monitor_class_ratio{class=");
    }
  }

  @Test
  void aModelWithoutMonitoringAnswers404AndDefaultsNeedNoKey() throws Exception {
    try (MlsysServer server = start("{}");
        HttpClient client = HttpClient.newHttpClient()) {
      send(client, server, rows, 1f, 3);
      JsonNode version =
          JSON.readTree(get(client, server, "/v2/models/iris/monitor").body())
              .get("versions")
              .get(0);
      assertThat(version.get("current").get("calls").asLong()).isEqualTo(3);
      assertThat(version.get("features")).isEmpty();
      assertThat(version.get("baseline").isNull()).isTrue();

      HttpResponse<String> missing = get(client, server, "/v2/models/other/monitor");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("not monitored");
    }
  }

  @Test
  void theReportOverHttpReadsTheStoreForATimeRangeAndShowsTheDrift() throws Exception {
    try (MlsysServer server =
            start("{ baseline: baseline.csv }", "prediction-log: { store: { enabled: true } }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      java.time.Instant before = java.time.Instant.now().minusSeconds(1);
      send(client, server, rows, 1.3f, 100);
      java.time.Instant after = java.time.Instant.now().plusSeconds(1);

      HttpResponse<String> report =
          get(
              client,
              server,
              "/v2/models/iris/monitor/report?from=" + before + "&to=" + after + "&version=1");
      assertThat(report.statusCode()).isEqualTo(200);
      assertThat(report.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(report.body())
          .startsWith("<!DOCTYPE html>")
          .contains("<h1>Monitoring report: iris version 1</h1>")
          .contains("<p>100 calls from ")
          .contains("Feature drift over the range")
          .contains("<svg");
      String petalRow = report.body().substring(report.body().indexOf("<tr><th>petal_length"));
      assertThat(petalRow.substring(0, petalRow.indexOf("</tr>"))).contains("class=\"drift\"");

      // A range before the traffic holds no calls; the default range (the last day) holds them.
      String earlier =
          get(client, server, "/v2/models/iris/monitor/report?to=" + before.minusSeconds(60))
              .body();
      assertThat(earlier).contains("<p>0 calls from ");
      assertThat(get(client, server, "/v2/models/iris/monitor/report").body())
          .contains("<p>100 calls from ");

      HttpResponse<String> bad = get(client, server, "/v2/models/iris/monitor/report?from=today");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("from").contains("ISO-8601");
    }
  }

  @Test
  void theReportOverHttpNeedsTheStore() throws Exception {
    try (MlsysServer server =
            start(
                "{ baseline: baseline.csv }", "prediction-log: { jsonl: { dir: predictions } }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> report = get(client, server, "/v2/models/iris/monitor/report");
      assertThat(report.statusCode()).isEqualTo(409);
      assertThat(report.body()).contains("prediction-log.store.enabled: true");
    }
  }

  @Test
  void theReportReplaysTheJsonlLogAndShowsTheDrift() throws Exception {
    try (MlsysServer server =
            start(
                "{ baseline: baseline.csv }", "prediction-log: { jsonl: { dir: predictions } }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      send(client, server, rows, 1.3f, 100);
    }
    io.mlsys.monitoring.MonitoringConfig config = io.mlsys.monitoring.MonitoringConfig.defaults();
    io.mlsys.monitoring.MonitorReport.Options options =
        new io.mlsys.monitoring.MonitorReport.Options(
            "iris",
            null,
            null,
            null,
            config,
            io.mlsys.monitoring.Baseline.fromCsv(dir.resolve("baseline.csv"), config.bins()));
    io.mlsys.monitoring.MonitorReport.Result result =
        io.mlsys.monitoring.MonitorReport.compute(dir.resolve("predictions"), options);

    assertThat(result.events()).isEqualTo(100);
    assertThat(result.skipped()).isZero();
    assertThat(result.whole().current().calls()).isEqualTo(100);
    assertThat(result.whole().features())
        .filteredOn(f -> f.drifted())
        .extracting(f -> f.feature())
        .containsExactly("petal_length");
    assertThat(result.windows()).isNotEmpty();
    String html = io.mlsys.monitoring.MonitorReport.html(result, options);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<svg", "petal_length (drifted)", "Drift score per window", "class shares")
        .doesNotContain("<script", "src=", "href=");
  }
}
