package io.mlsys.example.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that a node kind plugs in from another module: {@code clamp} (this module's test
 * sources only: {@link ClampKind}, {@link ClampOptions} and a services entry) binds from mlsys.yaml
 * inside and around built-in kinds and serves over REST, with no file of mlsys-graph or
 * mlsys-config knowing it.
 */
class ClampKindTest {
  @TempDir Path dir;

  private MlsysConfig load(String graphs) {
    Path iris = Fixtures.require("sklearn-iris/iris_svc.onnx");
    String yaml =
        """
        server: { port: 0, grpc-port: null, access-log: false }
        models:
          iris: { uri: %s }
        graphs:
        %s
        """
            .formatted(iris, graphs.indent(2));
    return MlsysConfigLoader.parse(yaml, dir, Map.of());
  }

  @Test
  void aPluggedInKindServesInsideAndAroundBuiltInKinds() throws Exception {
    MlsysConfig config =
        load(
            """
            clamped:
              clamp:
                min: 0.2
                max: 0.8
                node:
                  sequence:
                    predict: { model: { name: iris, outputs: [output_probability] } }
            routed:
              switch:
                rules:
                  - when: "true"
                    clamp: { min: 0.4, max: 0.6, node: { model: iris } }
                default: { model: iris }
            """);

    try (MlsysServer server = MlsysServer.fromConfig(config).start();
        HttpClient client = HttpClient.newHttpClient()) {
      String body =
          """
          {"inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32",
                       "data": [5.1, 3.5, 1.4, 0.2]}]}
          """;
      String clamped = post(client, server, "clamped", body);
      String routed = post(client, server, "routed", body);
      String metadata =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/v2/models/clamped"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();

      // A setosa: the model says about 0.97, 0.02, 0.01; the clamp holds them to [0.2, 0.8].
      assertThat(clamped).contains("\"output_probability\"").contains("[0.8,0.2,0.2]");
      assertThat(routed).contains("[0.6,0.4,0.4]").contains("\"route\":\"rules[0]\"");
      assertThat(metadata).contains("clamp[0.2, 0.8]");
    }
  }

  private static String post(HttpClient client, MlsysServer server, String graph, String body)
      throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + server.port() + "/v2/models/" + graph + "/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  @Test
  void itsOptionsAreCheckedWithTheirKeyPaths() {
    assertThatThrownBy(() -> load("g: { clamp: { min: 1, max: 0, node: { model: iris } } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphs.g.clamp.max: 0.0 (expected: a number above min (1.0))");
  }

  @Test
  void anUnknownKindListsTheInstalledOnesThisOneAmongThem() {
    assertThatThrownBy(() -> load("g: { clmap: { min: 0, max: 1, node: { model: iris } } }"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphs.g")
        .hasMessageContaining("clamp")
        .hasMessageContaining("sequence");
  }
}
