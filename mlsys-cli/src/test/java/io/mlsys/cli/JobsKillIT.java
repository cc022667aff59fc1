package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.queue.Job;
import io.mlsys.queue.JobQueue;
import io.mlsys.queue.JobState;
import io.mlsys.queue.Jobs;
import io.mlsys.queue.NewJob;
import io.mlsys.queue.QueueBackend;
import io.mlsys.queue.RabbitMqQueueConfig;
import io.mlsys.queue.RedisQueueConfig;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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

  @Test
  void redisStreams() throws Exception {
    String stream = "mlsys-jobskill-" + UUID.randomUUID();
    try {
      killWorkersWhileTheyRun(
          EMBEDDED.replace("queue: embedded", "queue: redis\n  redis: { stream: " + stream + " }"),
          "");
    } finally {
      RedisClient client = RedisClient.create(RedisQueueConfig.DEFAULT_URI);
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        connection.sync().del("{" + stream + "}", "{" + stream + "}:delayed");
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void rabbitMq() throws Exception {
    String queue = "mlsys-jobskill-" + UUID.randomUUID();
    try {
      killWorkersWhileTheyRun(
          EMBEDDED.replace(
              "queue: embedded", "queue: rabbitmq\n  rabbitmq: { queue: " + queue + " }"),
          "");
    } finally {
      try (com.rabbitmq.client.Connection connection = rabbitMqFactory().newConnection();
          Channel channel = connection.createChannel()) {
        channel.queueDelete(queue);
        channel.queueDelete(queue + ".dead");
        for (long millis = 250; millis <= 250L << 14; millis *= 2) {
          channel.queueDelete(queue + ".delay." + millis);
        }
      }
    }
  }

  private static ConnectionFactory rabbitMqFactory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(RabbitMqQueueConfig.DEFAULT_URI);
    return factory;
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
        ChildMlsys.command("worker", "--config", configFile.toString(), "--threads", "4");
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
      Map<String, String> requestIds = new ConcurrentHashMap<>();
      AtomicReference<Throwable> submitFailure = new AtomicReference<>();
      // Submitted while the workers run and are killed, as clients would.
      Thread submitter =
          Thread.ofPlatform()
              .name("submitter")
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < JOBS; i++) {
                        String requestId = "r" + i;
                        String body =
                            "{\"id\":\""
                                + requestId
                                + "\",\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\","
                                + "\"shape\":[1,4],\"data\":["
                                + rows.get(i % rows.size())
                                + "]}]}";
                        Job job =
                            jobs.submit(
                                    new NewJob(
                                        "iris",
                                        null,
                                        body.getBytes(StandardCharsets.UTF_8),
                                        null,
                                        null,
                                        null))
                                .job();
                        requestIds.put(job.id(), requestId);
                      }
                    } catch (Throwable e) {
                      submitFailure.set(e);
                    }
                  });
      int kills = 0;
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
      submitter.join();
      assertThat(submitFailure.get()).as("submission failure").isNull();
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
      if (config.jobs().queue() == QueueBackend.EMBEDDED) {
        assertThat(deliveriesLeft(jobs)).isZero();
      }
      // Stop the rest as an operator would: SIGTERM, a clean exit.
      for (Process worker : workers) {
        worker.destroy();
      }
      for (Process worker : workers) {
        assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isIn(0, 143);
      }
      // Every delivery acknowledged: nothing left in the broker for these jobs. (A job acked by
      // a worker killed between completing and acknowledging it is delivered again and dropped
      // by the next worker, which finds it final.)
      if (config.jobs().queue() == QueueBackend.REDIS) {
        RedisClient client = RedisClient.create(config.jobs().redis().uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
          String key = "{" + config.jobs().redis().stream() + "}";
          Instant giveUp = Instant.now().plus(Duration.ofSeconds(60));
          long left = connection.sync().xlen(key);
          while (left > 0 && Instant.now().isBefore(giveUp)) {
            // Entries of killed workers are claimed after a lease: drain them as a worker would
            // (every job is final by now).
            jobs.queue().receive(Duration.ofSeconds(1)).ifPresent(JobQueue.Delivery::ack);
            left = connection.sync().xlen(key);
          }
          assertThat(left).as("entries left in the stream").isZero();
        } finally {
          client.shutdown();
        }
      }
      if (config.jobs().queue() == QueueBackend.RABBITMQ) {
        try (com.rabbitmq.client.Connection connection = rabbitMqFactory().newConnection();
            Channel channel = connection.createChannel()) {
          String queue = config.jobs().rabbitmq().queue();
          assertThat(channel.messageCount(queue + ".dead")).as("dead-lettered").isZero();
        }
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
