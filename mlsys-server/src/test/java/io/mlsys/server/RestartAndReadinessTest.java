package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.repository.RepositoryListener;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real server start on a repository folder serves: after a version was refused, before its
 * models are loaded, after an unload; and that clients never see the server's own paths.
 */
class RestartAndReadinessTest {
  private static final String IRIS_ROW =
      "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
          + " \"data\": [5.1, 3.5, 1.4, 0.2]}]}";

  @TempDir Path repository;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  @AfterEach
  void closeClient() {
    client.close();
  }

  private void irisVersion(String model, String version) throws IOException {
    Path folder = Files.createDirectories(repository.resolve(model).resolve(version));
    Files.createSymbolicLink(
        folder.resolve("model.onnx"), Fixtures.require("sklearn-iris/iris_svc.onnx"));
  }

  private void brokenVersion(String model, String version) throws IOException {
    Path folder = Files.createDirectories(repository.resolve(model).resolve(version));
    byte[] noise = new byte[4096];
    new java.util.SplittableRandom(23).nextBytes(noise);
    Files.write(folder.resolve("model.onnx"), noise);
  }

  private MlsysConfig config() {
    return MlsysConfig.defaults()
        .withServer(MlsysServerExtension.config())
        .withModelRepository(ModelRepositoryConfig.of(repository));
  }

  private HttpResponse<String> get(MlsysServer server, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(server, path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(MlsysServer server, String path, String body) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(server, path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(MlsysServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Test
  void aRestartAfterARefusedVersionServesTheVersionThatKeptServing() throws Exception {
    irisVersion("m", "22");
    try (MlsysServer first = MlsysServer.fromConfig(config()).start()) {
      brokenVersion("m", "23");

      assertThat(post(first, "/v2/repository/models/m/load", "{}").statusCode()).isEqualTo(400);
      assertThat(post(first, "/v2/models/m/infer", IRIS_ROW).body()).contains("\"22\"");
    }

    try (MlsysServer restarted = MlsysServer.fromConfig(config()).start()) {
      assertThat(get(restarted, "/v2/health/ready").statusCode()).isEqualTo(200);
      HttpResponse<String> inferred = post(restarted, "/v2/models/m/infer", IRIS_ROW);
      assertThat(inferred.statusCode()).isEqualTo(200);
      assertThat(inferred.body()).contains("\"model_version\":\"22\"");

      // The refused version is reported on its own, naming the file inside the repository.
      String index = post(restarted, "/v2/repository/index", "{}").body();
      assertThat(index)
          .contains("\"version\":\"23\",\"state\":\"FAILED\"")
          .contains("m/23/model.onnx")
          .doesNotContain(repository.toString());
      assertThat(get(restarted, "/v2/models").body())
          .contains("m/23/model.onnx")
          .doesNotContain(repository.toString());
      HttpResponse<String> version23 = get(restarted, "/v2/models/m/versions/23");
      assertThat(version23.statusCode()).isEqualTo(503);
      assertThat(version23.body())
          .contains("version 23 is FAILED")
          .doesNotContain(repository.toString());
      assertThat(get(restarted, "/v2/models/m").body()).contains("\"versions\":[\"22\"]");
    }
  }

  @Test
  void aModelWaitingToLoadIsNotReadyRatherThanNotFound() throws Exception {
    // More models than load at once, so some wait for a load slot while the server serves.
    int models = Runtime.getRuntime().availableProcessors() + 1;
    for (int i = 0; i < models; i++) {
      irisVersion("m" + i, "1");
    }
    CountDownLatch release = new CountDownLatch(1);
    ModelLoader blocked =
        source -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return ModelLoader.installedRuntimes().load(source);
        };
    MlsysServer server =
        MlsysServer.builder()
            .config(MlsysServerExtension.config())
            .repository(
                ModelRepository.create(
                    config().modelSources(), blocked, RepositoryListener.NONE, Map.of()))
            .loadModelsOnStart(true)
            .build();
    Thread starting = Thread.ofVirtual().start(server::start);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (server.port() <= 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < models; i++) {
        statuses.add(post(server, "/v2/models/m" + i + "/infer", IRIS_ROW).statusCode());
      }
      assertThat(statuses).containsOnly(503);
      HttpResponse<String> waiting =
          post(server, "/v2/models/m" + (models - 1) + "/infer", IRIS_ROW);
      assertThat(waiting.body()).contains("not ready");
      assertThat(post(server, "/v2/models/unknown/infer", IRIS_ROW).statusCode()).isEqualTo(404);
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(503);
    } finally {
      release.countDown();
      starting.join();
    }
    try {
      assertThat(post(server, "/v2/models/m0/infer", IRIS_ROW).statusCode()).isEqualTo(200);
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(200);
    } finally {
      server.close();
    }
  }

  @Test
  void readinessFollowsWhatShouldBeServedThroughUnloadAndLoad() throws Exception {
    irisVersion("a", "1");
    irisVersion("b", "1");
    try (MlsysServer server = MlsysServer.fromConfig(config()).start()) {
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(200);

      // Unloaded on purpose, the model is no longer expected: the server stays ready.
      assertThat(post(server, "/v2/repository/models/a/unload", "{}").statusCode()).isEqualTo(200);
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(200);
      assertThat(get(server, "/v2/models/a/ready").statusCode()).isEqualTo(503);

      // A model that should serve and does not makes the server unready; the answer names it,
      // not the model unloaded on purpose.
      Files.delete(repository.resolve("b/1/model.onnx"));
      brokenVersion("b", "1");
      assertThat(post(server, "/v2/repository/models/b/unload", "{}").statusCode()).isEqualTo(200);
      assertThat(post(server, "/v2/repository/models/b/load", "{}").statusCode()).isEqualTo(400);
      HttpResponse<String> ready = get(server, "/v2/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("'b'").contains("FAILED").doesNotContain("'a'");

      // Loaded again, a model is expected again.
      assertThat(post(server, "/v2/repository/models/b/unload", "{}").statusCode()).isEqualTo(200);
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(200);
      assertThat(post(server, "/v2/repository/models/a/load", "{}").statusCode()).isEqualTo(200);
      assertThat(get(server, "/v2/health/ready").statusCode()).isEqualTo(200);
    }
  }
}
