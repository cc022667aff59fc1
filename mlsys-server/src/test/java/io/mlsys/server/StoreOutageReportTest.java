package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.PrivatePostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's store (a private PostgreSQL) stops while the monitoring report reads the prediction
 * log from it: the report answers 503 with Retry-After and a message that names the store, not an
 * internal error; the model goes on serving meanwhile.
 */
class StoreOutageReportTest {
  private static final String ROW =
      """
      {"inputs": [{"name": "float_input", "datatype": "FP32", "shape": [1, 4],
        "data": [5.1, 3.5, 1.4, 0.2]}]}""";

  @TempDir Path dir;

  @Test
  void aStoppedStoreAnswers503WithAClearMessage() throws Exception {
    try (PrivatePostgres postgres = PrivatePostgres.start(dir.resolve("postgres"));
        MlsysServer server = start(postgres);
        HttpClient client = HttpClient.newHttpClient()) {
      assertThat(infer(client, server).statusCode()).isEqualTo(200);
      assertThat(get(client, server, "/v2/models/iris/monitor/report").statusCode()).isEqualTo(200);

      postgres.stop();
      HttpResponse<String> report = get(client, server, "/v2/models/iris/monitor/report");
      assertThat(report.statusCode()).as(report.body()).isEqualTo(503);
      assertThat(report.headers().firstValue("Retry-After")).hasValue("5");
      assertThat(report.body())
          .contains("the server's store is unavailable")
          .contains("store 'predictionlog' (PostgreSQL");
      assertThat(infer(client, server).statusCode()).isEqualTo(200);
    }
  }

  private MlsysServer start(PrivatePostgres postgres) throws Exception {
    Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), dir.resolve("iris_svc.onnx"));
    String yaml =
        "models:\n"
            + "  iris: { uri: iris_svc.onnx }\n"
            + "prediction-log:\n"
            + "  retry-interval: 500ms\n"
            + "  store: { enabled: true }\n";
    MlsysConfig config =
        MlsysConfigLoader.parse(yaml, dir, Map.of())
            .withServer(MlsysServerExtension.config())
            .withDataDir(dir.resolve("data"))
            .withStore(StoreConfig.postgresql(postgres.url(), "postgres", null));
    return MlsysServer.fromConfig(config).start();
  }

  private static HttpResponse<String> infer(HttpClient client, MlsysServer server)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(ROW))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(HttpClient client, MlsysServer server, String path)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
