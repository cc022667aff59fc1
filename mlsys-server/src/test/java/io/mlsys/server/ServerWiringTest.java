package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.AccessLogConfig;
import io.mlsys.config.MlsysConfig;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.repository.ModelSource;
import io.mlsys.testing.Fixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerWiringTest {

  @Test
  void loadsAnOnnxModelUnderItsServedNameVersionAndLabels() {
    Path svc = Fixtures.require("sklearn-iris/iris_svc.onnx");

    try (Model model =
        ServerWiring.loadOnnx(
            new ModelSource(
                "flowers", "3", svc, "onnxruntime_onnx", Map.of("0", "setosa"), 1, List.of()))) {
      assertThat(model.metadata().name()).isEqualTo("flowers");
      assertThat(model.metadata().version()).isEqualTo("3");
      assertThat(model.metadata().labels()).containsEntry("0", "setosa");
    }
  }

  @Test
  void accessLogGetsAnAsyncJsonHandlerForTheServersLifetime() {
    Logger logger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
    assertThat(logger.getHandlers()).isEmpty();
    MlsysConfig config =
        new MlsysConfig(MlsysServerExtension.config().withAccessLog(true), null, null, Map.of());

    MlsysServer server = MlsysServer.fromConfig(config);
    try {
      assertThat(logger.getHandlers()).singleElement().isInstanceOf(AsyncLogHandler.class);
      assertThat(logger.getUseParentHandlers()).isFalse();
    } finally {
      server.close();
    }

    assertThat(logger.getHandlers()).isEmpty();
    assertThat(logger.getUseParentHandlers()).isTrue();
  }

  @Test
  void accessLogGoesToItsFileWhenOneIsConfigured(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("logs/access.log");
    MlsysConfig config =
        new MlsysConfig(
            MlsysServerExtension.config()
                .withAccessLog(AccessLogConfig.defaults().withFile(file, 1024, 2)),
            null,
            null,
            Map.of());

    try (MlsysServer server = MlsysServer.fromConfig(config).start();
        HttpClient client = HttpClient.newHttpClient()) {
      for (int i = 0; i < 20; i++) {
        client.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/v2/health/live"))
                .build(),
            HttpResponse.BodyHandlers.discarding());
      }
    }

    // Closed with the server: every line written, rotated past 1 KiB, two files kept.
    List<String> lines =
        new java.util.ArrayList<>(Files.readAllLines(folder.resolve("logs/access.log.1")));
    lines.addAll(Files.readAllLines(file));
    assertThat(lines)
        .isNotEmpty()
        .allSatisfy(line -> assertThat(line).contains("\"path\":\"/v2/health/live\""));
    assertThat(folder.resolve("logs/access.log.2")).doesNotExist();
    assertThat(Logger.getLogger(MlsysServer.ACCESS_LOGGER).getHandlers()).isEmpty();
  }

  @Test
  void metricsIncludeTheJvmAndProcessMeters() throws Exception {
    MlsysConfig config = new MlsysConfig(MlsysServerExtension.config(), null, null, Map.of());

    try (MlsysServer server = MlsysServer.fromConfig(config).start();
        HttpClient client = HttpClient.newHttpClient()) {
      String metrics =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();

      assertThat(metrics)
          .contains("jvm_memory_used_bytes{")
          .contains("jvm_threads_live_threads ")
          .contains("jvm_gc_")
          .contains("process_cpu_usage ")
          .contains("process_uptime_seconds ")
          .contains("mlsys_requests_in_flight ");
    }
  }

  @Test
  void otherPlatformsAreALoadFailure() {
    ModelSource source =
        new ModelSource(
            "m", "1", Path.of("model.savedmodel"), "tensorflow_savedmodel", Map.of(), 1, List.of());

    assertThatThrownBy(() -> ServerWiring.loadOnnx(source))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "model 'm' failed to load: platform 'tensorflow_savedmodel' is not supported"
                + " (expected: onnxruntime_onnx)");
  }

  @Test
  void invalidOptionsAreALoadFailure() {
    ModelSource source =
        new ModelSource(
            "m", "1", Path.of("model.onnx"), "onnxruntime_onnx", Map.of(), 0, List.of());

    assertThatThrownBy(() -> ServerWiring.loadOnnx(source))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("intraOpThreads: 0");
  }
}
