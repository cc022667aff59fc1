package io.mlsys.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.config.ConfigException;
import io.mlsys.predictionlog.PredictionEvent;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code features} node in a graph from mlsys.yaml, in front of the iris model, over REST: ids
 * in, the fixture's measurements fetched from SQLite, the model's answer out; bad ids, unknown ids,
 * a source that is down, and the prediction log's record of the features.
 */
class FeaturesServingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path database;
  int rows;

  @BeforeEach
  void table() throws Exception {
    database = dir.resolve("features.db");
    rows =
        FeatureTables.createIris(
            "jdbc:sqlite:" + database,
            null,
            Fixtures.require("sklearn-iris/rand_iris.csv"),
            Instant.now().toEpochMilli());
  }

  private MlsysConfig load(String features, String extra) {
    Path iris = Fixtures.require("sklearn-iris/iris_svc.onnx");
    String yaml =
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris: { uri: %s }
        graphs:
          flowers:
            features:
        %s
              node: { model: { name: iris, outputs: [output_label] } }
        %s
        """
            .formatted(iris, features.indent(6), extra);
    return MlsysConfigLoader.parse(yaml, dir, Map.of()).withDataDir(dir.resolve("data"));
  }

  private String source() {
    return """
        entity: input:flower_id
        source: { url: "jdbc:sqlite:%s", table: iris, timestamp-column: updated_ms }
        features: [sepal_length, sepal_width, petal_length, petal_width]
        output: float_input
        max-age: 1h
        """
        .formatted(database);
  }

  private static HttpResponse<String> post(
      HttpClient client, MlsysServer server, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/models/flowers/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String ids(long... ids) {
    StringBuilder data = new StringBuilder();
    for (long id : ids) {
      data.append(data.isEmpty() ? "" : ", ").append(id);
    }
    return """
        {"inputs": [{"name": "flower_id", "datatype": "INT64", "shape": [%d], "data": [%s]}]}
        """
        .formatted(ids.length, data);
  }

  @Test
  void idsAreAnsweredWithTheModelOnTheirFeaturesFetchedOnceThenFromMemory() throws Exception {
    try (MlsysServer server = MlsysServer.fromConfig(load(source(), "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      // Rows 3 and 4 of the fixture: 5.0,3.0,1.6,0.2 and 4.3,3.1,1.4,0.2, both setosa (0).
      HttpResponse<String> first = post(client, server, ids(3, 4, 1));
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(first.body());
      assertThat(answer.at("/outputs/0/name").asText()).isEqualTo("output_label");
      assertThat(answer.at("/outputs/0/data/0").asLong()).isEqualTo(0);
      assertThat(answer.at("/outputs/0/data/1").asLong()).isEqualTo(0);
      // Row 1 (6.6,3.0,5.9,1.9) is a virginica (2).
      assertThat(answer.at("/outputs/0/data/2").asLong()).isEqualTo(2);
      assertThat(answer.at("/parameters/features.present").asLong()).isEqualTo(12);
      assertThat(answer.at("/parameters/features.not_found").asLong()).isZero();
      assertThat(answer.at("/parameters/features.served-from").asText()).isEqualTo("source");

      JsonNode second = JSON.readTree(post(client, server, ids(3, 4, 1)).body());
      assertThat(second.at("/parameters/features.served-from").asText()).isEqualTo("memory");
      assertThat(second.at("/outputs/0/data")).isEqualTo(answer.at("/outputs/0/data"));

      JsonNode mixed = JSON.readTree(post(client, server, ids(3, 5)).body());
      assertThat(mixed.at("/parameters/features.served-from").asText())
          .isEqualTo("memory:1,source:1");

      // The node's meters: 3 + 1 rows from the source (misses), 3 + 1 from memory (hits).
      String metrics =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      String node = "graph=\"flowers\",node=\"graphs.flowers\"";
      assertThat(metrics)
          .contains("mlsys_features_rows_total{" + node + ",tier=\"source\"} 4.0")
          .contains("mlsys_features_rows_total{" + node + ",tier=\"memory\"} 4.0")
          .contains("mlsys_features_rows_total{" + node + ",tier=\"redis\"} 0.0")
          .contains("mlsys_features_values_total{" + node + ",status=\"present\"} 32.0")
          .contains("mlsys_features_fetch_seconds_count{" + node + "} 3");
    }
  }

  @Test
  void anIdInAHeaderWorksToo() throws Exception {
    String features = source().replace("input:flower_id", "header:x-flower-id");
    try (MlsysServer server = MlsysServer.fromConfig(load(features, "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      // OIP requests carry at least one input; one the node does not pass on is ignored.
      String body =
          "{\"inputs\": [{\"name\": \"unused\", \"datatype\": \"INT64\", \"shape\": [1],"
              + " \"data\": [0]}]}";
      HttpResponse<String> response = post(client, server, body, "X-Flower-Id", "1");
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(JSON.readTree(response.body()).at("/outputs/0/data/0").asLong()).isEqualTo(2);

      HttpResponse<String> bad = post(client, server, body, "X-Flower-Id", "abc");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body())
          .contains("headers.x-flower-id")
          .contains("'abc' (expected: an integer entity id");
    }
  }

  @Test
  void anIdOfTheWrongTypeIsA400NamingTheField() throws Exception {
    try (MlsysServer server = MlsysServer.fromConfig(load(source(), "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> floats =
          post(
              client,
              server,
              """
              {"inputs": [{"name": "flower_id", "datatype": "FP32", "shape": [1], "data": [1.5]}]}
              """);
      assertThat(floats.statusCode()).isEqualTo(400);
      assertThat(floats.body()).contains("inputs[flower_id].datatype").contains("'FP32'");

      HttpResponse<String> text =
          post(
              client,
              server,
              """
              {"inputs": [{"name": "flower_id", "datatype": "BYTES", "shape": [1], "data": ["x1"]}]}
              """);
      assertThat(text.statusCode()).isEqualTo(400);
      assertThat(text.body()).contains("inputs[flower_id]").contains("'x1'");

      HttpResponse<String> absent =
          post(
              client,
              server,
              """
              {"inputs": [{"name": "id", "datatype": "INT64", "shape": [1], "data": [1]}]}
              """);
      assertThat(absent.statusCode()).isEqualTo(400);
      assertThat(absent.body()).contains("inputs[flower_id]").contains("missing");
    }
  }

  @Test
  void anUnknownIdGetsItsStatusOrA404AsConfigured() throws Exception {
    String status = source() + "missing-value: 0\n";
    try (MlsysServer server = MlsysServer.fromConfig(load(status, "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = post(client, server, ids(1, 999_999));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = JSON.readTree(response.body());
      assertThat(answer.at("/parameters/features.present").asLong()).isEqualTo(4);
      assertThat(answer.at("/parameters/features.not_found").asLong()).isEqualTo(4);
      assertThat(answer.at("/parameters").get("features.999999.petal_width").asText())
          .isEqualTo("NOT_FOUND");
    }
    String error = source() + "on-missing: error\n";
    try (MlsysServer server = MlsysServer.fromConfig(load(error, "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response = post(client, server, ids(1, 999_999));
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.body())
          .contains("graphs.flowers: entity '999999' (inputs[flower_id]) not found");
    }
  }

  @Test
  void aSourceThatIsDownIsA503WithinItsTimeout() throws Exception {
    // Nothing listens on port 1: the connection is refused, every attempt within the timeout.
    String down =
        source()
            .replace(
                "url: \"jdbc:sqlite:" + database + "\"",
                "url: \"jdbc:postgresql://127.0.0.1:1/features\", timeout: 500ms");
    try (MlsysServer server = MlsysServer.fromConfig(load(down, "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      long started = System.nanoTime();
      HttpResponse<String> response = post(client, server, ids(1));
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      assertThat(response.body())
          .contains("graphs.flowers")
          .contains("feature source 'jdbc:postgresql://127.0.0.1:1/features' is unavailable");
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
      assertThat(tookMs).isLessThan(5_000);
    }
  }

  @Test
  void thePredictionLogRecordsTheFetchedFeatures() throws Exception {
    String yaml =
        """
        prediction-log:
          jsonl: { dir: predictions }
        model-defaults:
          decorators: [prediction-log]
        """;
    String features = source() + "missing-value: 0\n";
    try (MlsysServer server = MlsysServer.fromConfig(load(features, yaml)).start();
        HttpClient client = HttpClient.newHttpClient()) {
      assertThat(post(client, server, ids(3, 999_999)).statusCode()).isEqualTo(200);
    }
    List<PredictionEvent> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir.resolve("predictions"))) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          events.add(PredictionEvent.fromJson(line));
        }
      }
    }
    assertThat(events).hasSize(1);
    JsonNode fetched = events.getFirst().features();
    assertThat(fetched.get("node").asText()).isEqualTo("graphs.flowers");
    assertThat(fetched.get("names").toString())
        .isEqualTo("[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"]");
    assertThat(fetched.at("/entities/0/id").asText()).isEqualTo("3");
    assertThat(fetched.at("/entities/0/values").toString()).isEqualTo("[5.0,3.0,1.6,0.2]");
    assertThat(fetched.at("/entities/0/statuses/0").asText()).isEqualTo("PRESENT");
    assertThat(fetched.at("/entities/0/served_from").asText()).isEqualTo("source");
    assertThat(fetched.at("/entities/1/statuses/3").asText()).isEqualTo("NOT_FOUND");
    assertThat(fetched.at("/entities/1/values/0").asDouble()).isZero();
  }

  @Test
  void itsOptionsAreCheckedWithTheirKeyPaths() {
    String bad =
        """
        entity: body:flower_id
        source: { url: "mysql://x", table: "iris; drop" }
        features: [sepal_length, sepal_length]
        output: float_input
        max-age: 1h
        """;
    assertThatThrownBy(() -> load(bad, ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "graphs.flowers.features.entity: 'body:flower_id' (expected: input:NAME")
        .hasMessageContaining("graphs.flowers.features.source.url: 'mysql://x'")
        .hasMessageContaining("graphs.flowers.features.source.table")
        .hasMessageContaining(
            "graphs.flowers.features.features[1]: 'sepal_length' (expected: each name once)");
  }

  @Test
  void theGraphSignatureReadsTheIdAndAnswersTheModelsOutputs() throws Exception {
    try (MlsysServer server = MlsysServer.fromConfig(load(source(), "")).start();
        HttpClient client = HttpClient.newHttpClient()) {
      String metadata =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/v2/models/flowers"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metadata)
          .contains("features[inputs[flower_id] -> float_input")
          .contains("\"flower_id\"")
          .contains("output_label");
    }
  }
}
