package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.queue.Job;
import io.mlsys.queue.JobState;
import io.mlsys.queue.Jobs;
import io.mlsys.queue.NewJob;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.PostgresDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 iris jobs run by {@code mlsys worker} processes (separate JVMs) that are killed with
 * SIGKILL several times mid-run and started again: at the end every job is in exactly one final
 * state, succeeded, with one stored result that answers its own request; none is lost.
 * At-least-once delivery (leases) plus idempotent completion.
 *
 * <p>{@link #killWorkersWhileTheyRun} takes the {@code jobs:} and {@code store:} sections, so that
 * each backend is one more test method.
 */
@Timeout(900)
class JobsKillIT {
  static final int JOBS = 10_000;
  static final int WORKERS = 2;
  static final int KILLS = 4;

  /** Short leases: a killed worker's jobs come back within seconds. */
  static final String EMBEDDED =
      """
      jobs:
        queue: embedded
        workers: 0
        lease: 3s
        max-attempts: 5
        backoff: 100ms
        sweep-interval: 1s
        max-queued: 20000
      """;

  @TempDir Path dir;

  @Test
  void embeddedOnSqlite() throws Exception {
    killWorkersWhileTheyRun(EMBEDDED, "");
  }

  @Test
  void embeddedOnPostgresql() throws Exception {
    try (PostgresDatabase database = PostgresDatabase.create("jobskill")) {
      killWorkersWhileTheyRun(
          EMBEDDED, "store: { url: \"" + database.url() + "\", user: " + database.user() + " }\n");
    }
  }

  /**
   * Submits {@value #JOBS} jobs in this JVM while {@value #WORKERS} worker processes run them,
   * kills a worker with SIGKILL {@value #KILLS} times at spread points of progress (each killed one
   * is started again), then checks every job.
   *
   * @param jobsYaml the {@code jobs:} section (its {@code workers} is for servers; the worker
   *     processes get {@code --threads})
   * @param storeYaml the {@code store:} section, or empty for SQLite in the data directory
   */
  void killWorkersWhileTheyRun(String jobsYaml, String storeYaml) throws Exception {
    Path repository = dir.resolve("models");
    Files.createDirectories(repository.resolve("iris/1"));
    Files.copy(
        Fixtures.require("sklearn-iris/iris_svc.onnx"), repository.resolve("iris/1/model.onnx"));
    Path configFile = dir.resolve("mlsys.yaml");
    Files.writeString(
        configFile,
        "model-repository: { path: \""
            + repository
            + "\" }\n"
            + "data-dir: \""
            + dir.resolve("data")
            + "\"\n"
            + storeYaml
            + jobsYaml);
    MlsysConfig config = MlsysConfigLoader.load(configFile);
    List<String> command =
        List.of(
            ProcessHandle.current().info().command().orElseThrow(),
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            Main.class.getName(),
            "worker",
            "--config",
            configFile.toString(),
            "--threads",
            "4");
    List<Process> workers = new ArrayList<>();
    int started = 0;
    try (Jobs jobs =
        Jobs.open(
            config.jobs(),
            config.store(),
            config.resolvedDataDir(Map.of(), dir.toString()),
            Clock.systemUTC(),
            new SimpleMeterRegistry(),
            Map.of())) {
      for (int i = 0; i < WORKERS; i++) {
        workers.add(start(command, started++));
      }
      List<String> rows = Files.readAllLines(Fixtures.require("sklearn-iris/rand_iris.csv"));
      Map<String, String> requestIds = new HashMap<>();
      int kills = 0;
      for (int i = 0; i < JOBS; i++) {
        String requestId = "r" + i;
        String body =
            "{\"id\":\""
                + requestId
                + "\",\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[1,4],"
                + "\"data\":["
                + rows.get(i % rows.size())
                + "]}]}";
        Job job =
            jobs.submit(
                    new NewJob(
                        "iris", null, body.getBytes(StandardCharsets.UTF_8), null, null, null))
                .job();
        requestIds.put(job.id(), requestId);
      }
      // Kill at spread points of progress, each time the worker that has run longest.
      long[] killAt = new long[KILLS];
      for (int k = 0; k < KILLS; k++) {
        killAt[k] = JOBS * (k + 1L) / (KILLS + 2);
      }
      Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
      long done = 0;
      while (done < JOBS && Instant.now().isBefore(deadline)) {
        done = finalCount(jobs);
        if (kills < KILLS && done >= killAt[kills]) {
          Process victim = workers.remove(0);
          victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
          kills++;
          workers.add(start(command, started++));
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertThat(kills).as("workers killed mid-run").isEqualTo(KILLS);
      assertThat(done).as("jobs in a final state").isEqualTo(JOBS);

      Map<JobState, Long> counts = jobs.store().counts();
      assertThat(counts.get(JobState.SUCCEEDED)).as(counts.toString()).isEqualTo(JOBS);
      // Every submitted job once, each result the answer to its own request.
      Set<String> seen = new HashSet<>();
      int redelivered =
          jobs.store()
              .store()
              .read(
                  connection -> {
                    int retried = 0;
                    try (PreparedStatement select =
                            connection.prepareStatement(
                                "SELECT id, state, attempts, result FROM jobs");
                        ResultSet result = select.executeQuery()) {
                      while (result.next()) {
                        String id = result.getString(1);
                        assertThat(seen.add(id)).as("job %s listed once", id).isTrue();
                        assertThat(result.getString(2)).isEqualTo("succeeded");
                        String answer = new String(result.getBytes(4), StandardCharsets.UTF_8);
                        assertThat(answer).contains("\"id\":\"" + requestIds.get(id) + "\"");
                        if (result.getInt(3) > 1) {
                          retried++;
                        }
                      }
                    }
                    return retried;
                  });
      assertThat(seen).isEqualTo(requestIds.keySet());
      assertThat(deliveriesLeft(jobs)).isZero();
      // Stop the rest as an operator would: SIGTERM, a clean exit.
      for (Process worker : workers) {
        worker.destroy();
      }
      for (Process worker : workers) {
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isIn(0, 143);
      }
      System.out.printf(
          "JobsKillIT: %d jobs, %d kills, %d jobs ran more than once%n", JOBS, kills, redelivered);
    } finally {
      for (Process worker : workers) {
        worker.destroyForcibly();
      }
    }
  }

  private static long finalCount(Jobs jobs) {
    Map<JobState, Long> counts = jobs.store().counts();
    long done = 0;
    for (Map.Entry<JobState, Long> entry : counts.entrySet()) {
      if (entry.getKey().isFinal()) {
        done += entry.getValue();
      }
    }
    return done;
  }

  private static long deliveriesLeft(Jobs jobs) {
    // Acks follow completion: wait for the last ones.
    long left = -1;
    for (int i = 0; i < 100 && left != 0; i++) {
      left =
          jobs.store()
              .store()
              .read(
                  (Connection connection) -> {
                    try (PreparedStatement select =
                            connection.prepareStatement("SELECT COUNT(*) FROM job_deliveries");
                        ResultSet result = select.executeQuery()) {
                      result.next();
                      return result.getLong(1);
                    }
                  });
      if (left != 0) {
        try {
          TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return left;
        }
      }
    }
    return left;
  }

  private Process start(List<String> command, int n) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker-" + n + ".log").toFile());
    builder.environment().put("ORT_DISABLE_TELEMETRY", "1");
    return builder.start();
  }
}
