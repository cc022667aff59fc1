package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchMetrics;
import io.mlsys.batch.BatchScheduler;
import io.mlsys.config.ConfigException;
import io.mlsys.server.MlsysServer;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.store.Store;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PrivateRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mlsys serve} with a {@code batch:} section runs the jobs on their schedules, with the
 * leases of {@code mlsys batch schedule} and its gauges on the server's {@code /metrics}; {@code
 * mlsys batch schedule --metrics-port} serves the same gauges.
 */
class ServeBatchSchedulesTest {
  private static final int ROWS = 30;

  @TempDir Path dir;

  private MlsysConfig config() throws Exception {
    Files.write(
        dir.resolve("rows.csv"),
        Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv")).subList(0, ROWS));
    Files.writeString(
        dir.resolve("nightly.yaml"),
        """
        source: { csv: rows.csv }
        model: { config: mlsys.yaml, name: iris }
        sink: { csv: out.csv }
        chunk-rows: 10
        schedule: { cron: "* * * * *" }
        """);
    Path mlsys = dir.resolve("mlsys.yaml");
    Files.writeString(
        mlsys,
        "server: { port: 0, host: 127.0.0.1, grpc-port: 0 }\n"
            + "data-dir: data\n"
            + "jobs: { workers: 0 }\n"
            + "models:\n"
            + "  iris: { uri: "
            + Fixtures.rootOrThrow()
            + "/sklearn-iris/iris_svc.onnx }\n"
            + "batch:\n"
            + "  jobs: [nightly.yaml]\n");
    return MlsysConfigLoader.load(mlsys);
  }

  private static String scrape(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }
  }

  private static void awaitPasses(ServerRunner.Schedules schedules, long passes) {
    PrivateRedis.await(
        () -> schedules.schedules().passes() >= passes, passes + " passes of the schedules");
  }

  @Test
  void serveRunsAJobWhenItsTimeComesAndItsGaugesAreOnTheServersMetrics() throws Exception {
    MlsysConfig config = config();
    Map<String, BatchJob> jobs = ServerRunner.scheduledJobs(config);
    ManualClock clock = ManualClock.startingAt("2026-01-01T10:00:30Z");
    Path output = dir.resolve("out.csv");
    try (MlsysServer server = ServerRunner.start(config);
        ServerRunner.Schedules schedules =
            ServerRunner.startSchedules(jobs, config, server, clock)) {
      // Seen for the first time at 10:00:30: its first run is at 10:01, not at 10:00.
      awaitPasses(schedules, 1);
      assertThat(output).doesNotExist();
      assertThat(scrape(server.port())).contains("mlsys_batch_rows_done{job=\"nightly\"} 0.0");

      clock.set(Instant.parse("2026-01-01T10:01:01Z"));
      schedules.schedules().wake();
      awaitPasses(schedules, 2);

      assertThat(Files.readAllLines(output)).hasSize(ROWS + 1);
      String metrics = scrape(server.port());
      assertThat(metrics)
          .contains(
              "mlsys_batch_rows_done{job=\"nightly\"} " + ROWS + ".0",
              "mlsys_batch_rows_predicted{job=\"nightly\"} " + ROWS + ".0",
              "mlsys_batch_progress{job=\"nightly\"} 1.0");
    }
  }

  @Test
  void serveAndASeparateSchedulerStartEachRunOnce() throws Exception {
    MlsysConfig config = config();
    Map<String, BatchJob> jobs = ServerRunner.scheduledJobs(config);
    BatchJob nightly = jobs.get("nightly");
    ManualClock clock = ManualClock.startingAt("2026-01-01T10:00:30Z");
    Path output = dir.resolve("out.csv");
    try (MlsysServer server = ServerRunner.start(config);
        ServerRunner.Schedules schedules =
            ServerRunner.startSchedules(jobs, config, server, clock);
        // What `mlsys batch schedule` on another host does, over the same store.
        Store store =
            Store.open(
                config.store(),
                config.resolvedDataDir(Map.of(), System.getProperty("user.home")),
                BatchScheduler.OWNER)) {
      BatchScheduler other = new BatchScheduler(store, "other@elsewhere", clock);
      awaitPasses(schedules, 1);

      // 10:01: the other scheduler comes first and holds the run; serve does not start it.
      clock.set(Instant.parse("2026-01-01T10:01:01Z"));
      assertThat(other.tryStart("nightly", nightly.schedule())).isPresent();
      schedules.schedules().wake();
      awaitPasses(schedules, 2);
      assertThat(output).doesNotExist();
      assertThat(other.holder("nightly")).contains("other@elsewhere");
      other.finish("nightly");

      // 10:02: serve comes first; the other finds the run taken.
      clock.set(Instant.parse("2026-01-01T10:02:01Z"));
      schedules.schedules().wake();
      awaitPasses(schedules, 3);
      assertThat(other.tryStart("nightly", nightly.schedule())).isEmpty();
      assertThat(Files.readAllLines(output)).hasSize(ROWS + 1);
    }
  }

  @Test
  void aJobFileWithoutAScheduleStopsTheStartNamingIt() throws Exception {
    MlsysConfig config = config();
    Files.writeString(
        dir.resolve("nightly.yaml"),
        Files.readString(dir.resolve("nightly.yaml")).replaceAll("schedule:.*\n", ""));

    assertThatThrownBy(() -> ServerRunner.scheduledJobs(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.jobs[0]")
        .hasMessageContaining("has no schedule: (expected: schedule.cron)");
  }

  @Test
  void theMetricsEndpointServesTheBatchGaugesAsPrometheusText() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new BatchMetrics(registry, "hourly").chunkDone(20, 18, 2, 0.5);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(registry, 0)) {
      assertThat(scrape(endpoint.port()))
          .contains(
              "mlsys_batch_rows_done{job=\"hourly\"} 20.0",
              "mlsys_batch_rows_rejected{job=\"hourly\"} 2.0",
              "mlsys_batch_progress{job=\"hourly\"} 0.5");
    }
  }

  @Test
  void batchScheduleTellsWhereItsMetricsAre() throws Exception {
    config();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));

    int code =
        commandLine.execute(
            "batch",
            "schedule",
            "--once",
            "--metrics-port",
            "0",
            "--config",
            dir.resolve("mlsys.yaml").toString(),
            dir.resolve("nightly.yaml").toString());

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("metrics on http://127\\.0\\.0\\.1:[0-9]+/metrics");
  }
}
