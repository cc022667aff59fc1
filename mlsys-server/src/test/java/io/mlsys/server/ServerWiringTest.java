package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.AccessLogConfig;
import io.mlsys.server.config.MlsysConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerWiringTest {

  @Test
  void accessLogGetsAnAsyncJsonHandlerForTheServersLifetime() {
    Logger logger = Logger.getLogger(MlsysServer.ACCESS_LOGGER);
    assertThat(logger.getHandlers()).isEmpty();
    MlsysConfig config =
        MlsysConfig.defaults().withServer(MlsysServerExtension.config().withAccessLog(true));

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
        MlsysConfig.defaults()
            .withServer(
                MlsysServerExtension.config()
                    .withAccessLog(AccessLogConfig.defaults().withFile(file, 1024, 2)));

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
    MlsysConfig config = MlsysConfig.defaults().withServer(MlsysServerExtension.config());

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
}
