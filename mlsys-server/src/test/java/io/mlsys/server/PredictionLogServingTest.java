package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.predictionlog.PredictionEvent;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prediction log turned on for a whole server from mlsys.yaml, serving the iris model. */
class PredictionLogServingTest {
  private static final float[] ROW = {5.1f, 3.5f, 1.4f, 0.2f};

  @TempDir Path dir;

  private MlsysServer start(String predictionLogYaml) throws IOException {
    Path model = dir.resolve("iris_svc.onnx");
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), model);
    Files.copy(Fixtures.require("sklearn-iris/label.json"), dir.resolve("label.json"));
    String yaml =
        "models:\n"
            + "  iris: { uri: iris_svc.onnx, labels: label.json }\n"
            + "prediction-log:\n"
            + predictionLogYaml;
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of())
            .withServer(MlsysServerExtension.config())
            .withDataDir(dir.resolve("data"));
    return MlsysServer.fromConfig(config).start();
  }

  private static HttpResponse<String> infer(
      HttpClient client, MlsysServer server, String body, String requestIdHeader)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .header("X-Tenant", "acme")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (requestIdHeader != null) {
      request.header("X-Request-Id", requestIdHeader);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String body(String id) {
    String oipId = id == null ? "" : "\"id\": \"" + id + "\", ";
    return "{"
        + oipId
        + "\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\", \"shape\": [1, 4],"
        + " \"data\": "
        + IrisComponentTest.row(ROW)
        + "}]}";
  }

  private static List<PredictionEvent> jsonlEvents(Path folder) throws IOException {
    List<PredictionEvent> events = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          events.add(PredictionEvent.fromJson(line));
        }
      }
    }
    return events;
  }

  @Test
  void everyRequestBecomesOneJsonLineWithItsRequestId() throws Exception {
    int n = 40;
    List<String> expected = new ArrayList<>();
    try (MlsysServer server = start("  jsonl: { dir: predictions }\n  headers: [x-tenant]\n");
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < n; i++) {
        // Half carry the OIP id, half only the X-Request-Id header.
        String oipId = i % 2 == 0 ? "oip-" + i : null;
        HttpResponse<String> response = infer(client, server, body(oipId), "hdr-" + i);
        assertThat(response.statusCode()).isEqualTo(200);
        expected.add(oipId != null ? oipId : "hdr-" + i);
      }
    }
    // Closing the server closed the log: every buffered event is written.
    List<PredictionEvent> events = jsonlEvents(dir.resolve("predictions"));
    assertThat(events).extracting(PredictionEvent::requestId).containsExactlyElementsOf(expected);
    assertThat(events).extracting(PredictionEvent::eventId).doesNotHaveDuplicates();
    assertThat(events)
        .allSatisfy(
            event -> {
              assertThat(event.modelName()).isEqualTo("iris");
              assertThat(event.modelVersion()).isEqualTo("1");
              assertThat(event.status()).isEqualTo("ok");
              assertThat(event.headers()).isEqualTo(Map.of("x-tenant", "acme"));
              assertThat(event.inputs().get(0).get("name").asText()).isEqualTo("float_input");
              assertThat(event.outputs()).isNotEmpty();
              assertThat(event.latencyUs()).isPositive();
            });
  }

  @Test
  void eventsOfASplitGraphCarryTheGraphPathAndTheArm() throws Exception {
    String graphs =
        "  jsonl: { dir: predictions }\n"
            + "graphs:\n"
            + "  iris-ab:\n"
            + "    split:\n"
            + "      key: { header: x-user }\n"
            + "      arms:\n"
            + "        a: { weight: 50, model: iris }\n"
            + "        b: { weight: 50, model: iris }\n";
    List<String> arms = new ArrayList<>();
    try (MlsysServer server = start(graphs);
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + server.port() + "/v2/models/iris-ab/infer"))
                    .header("Content-Type", "application/json")
                    .header("x-user", "user-" + i)
                    .POST(HttpRequest.BodyPublishers.ofString(body("r-" + i)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        arms.add(response.body().replaceAll(".*\"arm\":\"([ab])\".*", "$1"));
      }
    }
    List<PredictionEvent> events = jsonlEvents(dir.resolve("predictions"));
    // One event per request, from the arm's model, in the arm the answer named.
    assertThat(events).extracting(PredictionEvent::arm).containsExactlyElementsOf(arms);
    assertThat(events)
        .extracting(PredictionEvent::graphPath)
        .allSatisfy(path -> assertThat(path).startsWith("graphs.iris-ab.split.arms"));
  }

  @Test
  void theSwitchTurnsRecordingOffAndOnWithoutARestart() throws Exception {
    try (MlsysServer server = start("  jsonl: { dir: predictions }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v2/prediction-log");
      assertThat(
              client
                  .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                  .body())
          .isEqualTo("{\"enabled\":true}");
      assertThat(infer(client, server, body("before"), null).statusCode()).isEqualTo(200);
      HttpResponse<String> off =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": false}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(off.statusCode()).isEqualTo(200);
      assertThat(off.body()).isEqualTo("{\"enabled\":false}");
      assertThat(infer(client, server, body("while-off"), null).statusCode()).isEqualTo(200);
      HttpResponse<String> bad =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": \"yes\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(bad.statusCode()).isEqualTo(400);
      client.send(
          HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .PUT(HttpRequest.BodyPublishers.ofString("{\"enabled\": true}"))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(infer(client, server, body("after"), null).statusCode()).isEqualTo(200);
    }
    assertThat(jsonlEvents(dir.resolve("predictions")))
        .extracting(PredictionEvent::requestId)
        .containsExactly("before", "after");
  }

  private static HttpResponse<String> post(
      HttpClient client, MlsysServer server, String path, String json)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void feedbackIsStoredNextToTheEventsAndJoinsThemByRequestId() throws Exception {
    try (MlsysServer server = start("  store: { enabled: true }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < 3; i++) {
        assertThat(infer(client, server, body(null), "req-" + i).statusCode()).isEqualTo(200);
      }
      HttpResponse<String> one =
          post(
              client,
              server,
              "/v2/models/iris/feedback",
              "{\"request_id\": \"req-0\", \"label\": \"setosa\"}");
      assertThat(one.statusCode()).isEqualTo(200);
      assertThat(one.body()).isEqualTo("{\"accepted\":1}");
      HttpResponse<String> batch =
          post(
              client,
              server,
              "/v2/models/iris/feedback",
              "{\"feedback\": [{\"request_id\": \"req-1\", \"reward\": 1.0},"
                  + " {\"request_id\": \"req-2\", \"value\": {\"clicks\": 3}}]}");
      assertThat(batch.body()).isEqualTo("{\"accepted\":2}");
      HttpResponse<String> both =
          post(
              client,
              server,
              "/v2/models/iris/feedback",
              "{\"request_id\": \"req-0\", \"label\": \"a\", \"reward\": 1}");
      assertThat(both.statusCode()).isEqualTo(400);
      assertThat(both.body()).contains("reward").contains("one of label, value, reward");
      HttpResponse<String> none =
          post(client, server, "/v2/models/iris/feedback", "{\"request_id\": \"req-0\"}");
      assertThat(none.statusCode()).isEqualTo(400);
    }
    try (Store store = Store.open(StoreConfig.defaults(), dir.resolve("data"), "predictionlog")) {
      List<String> joined =
          store.read(
              connection -> {
                List<String> found = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                    ResultSet result =
                        statement.executeQuery(
                            "SELECT e.request_id, f.kind, f.value FROM prediction_events e JOIN"
                                + " prediction_feedback f ON f.model_name = e.model_name AND"
                                + " f.request_id = e.request_id ORDER BY e.time_us")) {
                  while (result.next()) {
                    found.add(
                        result.getString(1)
                            + " "
                            + result.getString(2)
                            + " "
                            + result.getString(3));
                  }
                }
                return found;
              });
      assertThat(joined)
          .containsExactly(
              "req-0 label \"setosa\"", "req-1 reward 1.0", "req-2 value {\"clicks\":3}");
    }
  }

  @Test
  void aDataSubjectsEventsAreDeletedByTheConfiguredField() throws Exception {
    try (MlsysServer server =
            start(
                "  store: { enabled: true, subject-field: \"header:x-user-id\" }\n  headers: [x-user-id]\n");
        HttpClient client = HttpClient.newHttpClient()) {
      for (String user : List.of("alice", "bob", "alice")) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
                    .header("Content-Type", "application/json")
                    .header("X-User-Id", user)
                    .POST(HttpRequest.BodyPublishers.ofString(body(null)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
      HttpResponse<String> deleted =
          post(
              client,
              server,
              "/v2/prediction-log/delete-subject",
              "{\"key\": \"header:x-user-id\", \"value\": \"alice\"}");
      assertThat(deleted.statusCode()).isEqualTo(200);
      // The events still buffered were flushed first, so both of alice's are gone.
      assertThat(deleted.body()).isEqualTo("{\"deleted\":2}");
      HttpResponse<String> wrongKey =
          post(
              client,
              server,
              "/v2/prediction-log/delete-subject",
              "{\"key\": \"caller\", \"value\": \"bob\"}");
      assertThat(wrongKey.statusCode()).isEqualTo(400);
      assertThat(wrongKey.body()).contains("header:x-user-id");
    }
  }

  @Test
  void feedbackWithoutTheStoreIsRefusedSayingWhatToSet() throws Exception {
    try (MlsysServer server = start("  jsonl: { dir: predictions }\n");
        HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          post(client, server, "/v2/models/iris/feedback", "{\"request_id\": \"r\", \"label\": 1}");
      assertThat(response.statusCode()).isEqualTo(409);
      assertThat(response.body()).contains("prediction-log.store.enabled");
    }
  }

  @Test
  void theStoreSinkKeepsTheEventsInTheDataDirectory() throws Exception {
    int n = 10;
    try (MlsysServer server = start("  store: { enabled: true }\n  inputs: hashed\n");
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < n; i++) {
        assertThat(infer(client, server, body("s-" + i), null).statusCode()).isEqualTo(200);
      }
      String metrics =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains(
              "mlsys_prediction_log_buffer_events ",
              "mlsys_prediction_log_journal_bytes ",
              "mlsys_prediction_log_replay_lag_seconds ",
              "mlsys_prediction_log_spilled_bytes_total ");
    }
    try (Store store = Store.open(StoreConfig.defaults(), dir.resolve("data"), "predictionlog")) {
      List<String> rows =
          store.read(
              connection -> {
                List<String> found = new ArrayList<>();
                try (Statement statement = connection.createStatement();
                    ResultSet result =
                        statement.executeQuery(
                            "SELECT request_id, inputs FROM prediction_events ORDER BY time_us")) {
                  while (result.next()) {
                    found.add(result.getString(1) + " " + result.getString(2));
                  }
                }
                return found;
              });
      assertThat(rows).hasSize(n);
      assertThat(rows.getFirst()).startsWith("s-0 ").contains("\"sha256\"").doesNotContain("5.1");
    }
  }
}
