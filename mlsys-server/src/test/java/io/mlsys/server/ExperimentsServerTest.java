package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.RegistryConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.PostgresDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's experiments YAML served end to end over REST, on SQLite and on a shared PostgreSQL.
 */
class ExperimentsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROW =
      """
      {"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32",
                   "data": [%s]}]}
      """;

  @TempDir Path dir;

  private MlsysConfig config(Path dataDir) {
    String yaml =
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris-svc: { uri: %s }
          forest: { uri: %s }
        graphs:
          iris-ab:
            split:
              key: { header: x-user }
              arms:
                a: { weight: 50, model: iris-svc }
                b: { weight: 50, model: forest }
          iris-shadow:
            mirror:
              primary: { model: iris-svc }
              candidates: { forest: { model: forest } }
              share: 1.0
        """
            .formatted(
                Fixtures.require("sklearn-iris/iris_svc.onnx"),
                Fixtures.require("sklearn-iris/iris_svc_0_setosa.onnx"));
    return MlsysConfigLoader.parse(yaml, dir, Map.of()).withDataDir(dataDir);
  }

  private static HttpResponse<String> send(
      HttpClient client, MlsysServer server, String method, String path, String body, String user)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (user != null) {
      request.header("x-user", user);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String arm(HttpClient client, MlsysServer server, String user) throws Exception {
    HttpResponse<String> response =
        send(
            client,
            server,
            "POST",
            "/v2/models/iris-ab/infer",
            ROW.formatted("5.1, 3.5, 1.4, 0.2"),
            user);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body()).path("parameters").path("arm").asText();
  }

  @Test
  void theIssuesYamlServesBothExperimentsAndTheirReports() throws Exception {
    try (MlsysServer server = MlsysServer.fromConfig(config(dir.resolve("data"))).start();
        HttpClient client = HttpClient.newHttpClient()) {
      Map<String, String> arms = new HashMap<>();
      for (int i = 0; i < 40; i++) {
        arms.put("user-" + i, arm(client, server, "user-" + i));
      }
      for (int i = 0; i < 40; i++) {
        assertThat(arm(client, server, "user-" + i)).isEqualTo(arms.get("user-" + i));
      }
      assertThat(arms.values()).contains("a", "b");
      String[] rows = {
        "5.1, 3.5, 1.4, 0.2", "1, 2, 3, 4", "6.6, 3.0, 5.9, 1.9", "5.7, 2.6, 4.4, 1.1"
      };
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> shadow =
            send(
                client,
                server,
                "POST",
                "/v2/models/iris-shadow/infer",
                ROW.formatted(rows[i % 4]),
                null);
        assertThat(shadow.statusCode()).as(shadow.body()).isEqualTo(200);
        // The primary's answer, untouched: nothing of the mirror is added.
        assertThat(JSON.readTree(shadow.body()).toString()).doesNotContain("\"arm\"");
      }

      JsonNode list =
          JSON.readTree(send(client, server, "GET", "/v2/experiments", null, null).body());
      JsonNode split =
          JSON.readTree(
              send(client, server, "GET", "/v2/experiments/iris-ab/report", null, null).body());
      JsonNode mirror = waitForPairs(client, server, 40);

      assertThat(list.toString())
          .contains("\"name\":\"iris-ab\"")
          .contains("\"name\":\"iris-shadow\"");
      assertThat(
              split.path("arms").get(0).path("count").asLong()
                  + split.path("arms").get(1).path("count").asLong())
          .isEqualTo(80);
      assertThat(split.path("sample_ratio_mismatch").has("p_value")).isTrue();
      double agreement = mirror.path("candidates").path("forest").path("agreement_rate").asDouble();
      assertThat(agreement).isBetween(0.0, 1.0);
      // setosa-vs-rest says 0 for "setosa" and 1 otherwise; iris_svc labels the rows 0, 2, 2, 1
      // (fixtures README), so the labels agree on the first and the last row: half of them.
      assertThat(agreement).isEqualTo(0.5);

      HttpResponse<String> stop =
          send(client, server, "PUT", "/v2/experiments/iris-ab", "{\"state\": \"stopped\"}", null);
      HttpResponse<String> bad =
          send(client, server, "PUT", "/v2/experiments/iris-ab", "{\"state\": \"paused\"}", null);
      HttpResponse<String> missing =
          send(client, server, "GET", "/v2/experiments/nope/report", null, null);
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      assertThat(stop.body()).contains("\"state\":\"stopped\"");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("state").contains("running, stopped, concluded");
      assertThat(missing.statusCode()).isEqualTo(404);
      for (int i = 0; i < 10; i++) {
        assertThat(arm(client, server, "user-" + i)).isEqualTo("a");
      }
    }
  }

  private static JsonNode waitForPairs(HttpClient client, MlsysServer server, int pairs)
      throws Exception {
    for (int attempt = 0; attempt < 500; attempt++) {
      JsonNode report =
          JSON.readTree(
              send(client, server, "GET", "/v2/experiments/iris-shadow/report", null, null).body());
      if (report.path("candidates").path("forest").path("pairs").asInt() >= pairs) {
        return report;
      }
      Thread.sleep(20); // the candidates run on the mirror's own threads
    }
    throw new AssertionError("the mirror's pairs never arrived");
  }

  @Test
  void twoServersSharingAPostgresqlStoreGiveEachUserTheSameArm() throws Exception {
    try (PostgresDatabase postgres = PostgresDatabase.create("experiments")) {
      StoreConfig store = StoreConfig.postgresql(postgres.url(), postgres.user(), null);
      try (MlsysServer one =
              MlsysServer.fromConfig(config(dir.resolve("one")).withStore(store)).start();
          MlsysServer two =
              MlsysServer.fromConfig(config(dir.resolve("two")).withStore(store)).start();
          HttpClient client = HttpClient.newHttpClient()) {
        int inA = 0;
        for (int i = 0; i < 100; i++) {
          String first = arm(client, one, "user-" + i);
          assertThat(arm(client, two, "user-" + i)).isEqualTo(first);
          inA += first.equals("a") ? 1 : 0;
        }
        assertThat(inA).isBetween(25, 75);

        // A state change on one server reaches the other through the store.
        send(
            client,
            one,
            "PUT",
            "/v2/experiments/iris-ab",
            "{\"state\": \"concluded\", \"winner\": \"b\"}",
            null);
        JsonNode seen =
            JSON.readTree(send(client, two, "GET", "/v2/experiments/iris-ab", null, null).body());
        assertThat(seen.path("state").asText()).isEqualTo("concluded");
        assertThat(seen.path("winner").asText()).isEqualTo("b");
      }
    }
  }

  /**
   * Online A/B end to end: calls carry a user and a request id, label feedback sent to the graph
   * joins them per unit in the report; a concluded winner's registry version takes the alias.
   */
  @Test
  void feedbackJoinsTheReportAndAConcludedWinnerIsPromotedThroughTheRegistry() throws Exception {
    Path sources = dir.resolve("sources");
    RegistryConfig rules = RegistryConfig.defaults().withSourceRoots(List.of(sources));
    Path dataDir = dir.resolve("data");
    try (ModelRegistry registry = TestRegistries.open(StoreConfig.defaults(), dataDir, rules)) {
      for (int version = 1; version <= 2; version++) {
        registry.register(
            new NewVersion(
                "iris",
                TestRegistries.irisFolder(sources, "v" + version).toString(),
                null,
                null,
                null,
                null,
                null,
                Map.of()),
            "alice");
      }
      registry.setAlias("iris", "champion", 1, "alice");
      registry.setAlias("iris", "challenger", 2, "alice");
    }
    String yaml =
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris-champion: { registry: iris@champion }
          iris-challenger: { registry: iris@challenger }
        prediction-log:
          store: { enabled: true }
        graphs:
          iris-ab:
            split:
              key: { header: x-user }
              metric: { outcome: accuracy, output: output_label }
              arms:
                a: { weight: 50, model: iris-champion }
                b: { weight: 50, model: iris-challenger }
              promote-alias: champion
        """;
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of()).withRegistry(rules).withDataDir(dataDir);
    try (MlsysServer server = MlsysServer.fromConfig(config).start();
        HttpClient client = HttpClient.newHttpClient()) {
      StringBuilder feedback = new StringBuilder("{\"feedback\": [");
      for (int i = 0; i < 60; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris-ab/infer"))
                .header("Content-Type", "application/json")
                .header("x-user", "user-" + (i % 20))
                .header("X-Request-Id", "req-" + i)
                .POST(HttpRequest.BodyPublishers.ofString(ROW.formatted("5.1, 3.5, 1.4, 0.2")))
                .build();
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        // iris_svc labels this row 0; users 0-9 send a wrong label (1) for every call.
        feedback
            .append(i == 0 ? "" : ",")
            .append("{\"request_id\": \"req-")
            .append(i)
            .append("\", \"label\": ")
            .append(i % 20 < 10 ? 1 : 0)
            .append("}");
      }
      feedback.append("]}");
      HttpResponse<String> sent =
          send(client, server, "POST", "/v2/models/iris-ab/feedback", feedback.toString(), null);
      assertThat(sent.body()).isEqualTo("{\"accepted\":60}");

      JsonNode report =
          JSON.readTree(
              send(client, server, "GET", "/v2/experiments/iris-ab/report", null, null).body());
      HttpResponse<String> html =
          send(client, server, "GET", "/v2/experiments/iris-ab/report.html", null, null);
      HttpResponse<String> early =
          send(client, server, "POST", "/v2/experiments/iris-ab/promote", null, null);
      send(
          client,
          server,
          "PUT",
          "/v2/experiments/iris-ab",
          "{\"state\": \"concluded\", \"winner\": \"b\"}",
          null);
      HttpResponse<String> promoted =
          send(client, server, "POST", "/v2/experiments/iris-ab/promote", null, null);

      assertThat(report.path("metric").path("feedback_joined").asInt()).isEqualTo(60);
      long units = 0;
      double correct = 0;
      for (JsonNode arm : report.path("arms")) {
        JsonNode outcome = arm.path("outcome");
        units += outcome.path("units_with_outcome").asLong();
        correct += outcome.path("mean").asDouble() * outcome.path("units_with_outcome").asLong();
      }
      // 20 users, each right on every call or on none: half of them right.
      assertThat(units).isEqualTo(20);
      assertThat(correct).isEqualTo(10.0);
      assertThat(report.path("verdict").asText()).isEqualTo("not_enough_data");
      assertThat(report.path("thresholds").path("alpha").asDouble()).isEqualTo(0.05);
      assertThat(html.statusCode()).isEqualTo(200);
      assertThat(html.headers().firstValue("Content-Type"))
          .hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
      assertThat(html.body())
          .contains("<svg")
          .doesNotContain("<script")
          .doesNotContain("<link")
          .doesNotContain(" src=");
      assertThat(early.statusCode()).isEqualTo(409);
      assertThat(early.body()).contains("is running").contains("concluded");
      assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
      assertThat(JSON.readTree(promoted.body()).path("version").asLong()).isEqualTo(2);
    }
    try (ModelRegistry registry = TestRegistries.open(StoreConfig.defaults(), dataDir, rules)) {
      assertThat(registry.store().versionByAlias("iris", "champion").version()).isEqualTo(2);
    }
  }
}
