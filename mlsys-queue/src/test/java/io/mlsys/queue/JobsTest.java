package io.mlsys.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.store.Database;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PostgresDatabase;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JobsTest {
  private static final byte[] REQUEST =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"
          .getBytes(StandardCharsets.UTF_8);
  private static PostgresDatabase postgres;

  @TempDir Path dataDir;
  private Store store;
  private Jobs jobs;
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  static void createDatabase() {
    postgres = PostgresDatabase.create("jobs");
  }

  @AfterAll
  static void dropDatabase() {
    postgres.close();
  }

  @AfterEach
  void close() {
    if (jobs != null) {
      jobs.close(Duration.ofSeconds(5));
    }
    if (store != null) {
      store.close();
    }
  }

  private Jobs open(Database database, JobsConfig config, Clock clock) {
    StoreConfig storeConfig =
        switch (database) {
          case SQLITE -> StoreConfig.defaults();
          // A schema of its own per test: the tests share one database.
          case POSTGRESQL ->
              StoreConfig.postgresql(postgres.url(), postgres.user(), null)
                  .withSchema("t" + Long.toHexString(System.nanoTime()));
        };
    store = Store.open(storeConfig, dataDir, JobStore.OWNER);
    JobStore jobStore = new JobStore(store, config, clock, () -> "job-" + ids.incrementAndGet());
    jobs =
        Jobs.of(
            config,
            jobStore,
            new EmbeddedJobQueue(store, clock, config.lease(), new java.util.Random(7)),
            new JobCallbacks(
                config.callbacks(), clock, Map.of(), host -> new java.net.InetAddress[0]),
            new SimpleMeterRegistry(),
            clock);
    return jobs;
  }

  private static NewJob job(String key) {
    return new NewJob("iris", null, REQUEST, "alice", null, key);
  }

  private static Job awaitFinal(Jobs jobs, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      Job job = jobs.find(id).orElseThrow();
      if (job.state().isFinal()) {
        return job;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aWorkerRunsAJobOnceAndStoresItsResult(Database database) throws Exception {
    Jobs jobs = open(database, JobsConfig.defaults(), Clock.systemUTC());
    AtomicInteger runs = new AtomicInteger();
    jobs.startWorkers(
        job -> {
          runs.incrementAndGet();
          assertThat(job.request()).isEqualTo(REQUEST);
          return "{\"outputs\":[]}".getBytes(StandardCharsets.UTF_8);
        },
        2);
    String id = jobs.submit(job(null)).job().id();
    Job done = awaitFinal(jobs, id);
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(new String(done.result(), StandardCharsets.UTF_8)).isEqualTo("{\"outputs\":[]}");
    assertThat(done.attempts()).isEqualTo(1);
    assertThat(done.started()).isNotNull();
    assertThat(done.finished()).isNotNull();
    assertThat(runs).hasValue(1);
    assertThat(new String(JobJson.write(done), StandardCharsets.UTF_8))
        .contains("\"state\":\"succeeded\"", "\"result\":{\"outputs\":[]}");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aFailingAttemptIsRetriedThenTheJobFailsForGood(Database database) throws Exception {
    JobsConfig config = JobsConfig.defaults().withRetries(3, Duration.ofMillis(1));
    Jobs jobs = open(database, config, Clock.systemUTC());
    AtomicInteger runs = new AtomicInteger();
    jobs.startWorkers(
        job -> {
          runs.incrementAndGet();
          throw new ModelExecutionException("iris", "boom", null);
        },
        1);
    Job done = awaitFinal(jobs, jobs.submit(job(null)).job().id());
    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(done.attempts()).isEqualTo(3);
    assertThat(done.error()).contains("boom", "after 3 attempts");
    assertThat(runs).hasValue(3);
    assertThat(jobs.list(JobState.FAILED, 10)).extracting(Job::id).containsExactly(done.id());
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void invalidInputFailsAtOnceAndAnOversizedResultFails(Database database) throws Exception {
    Jobs jobs = open(database, JobsConfig.defaults().withLimits(8, 100), Clock.systemUTC());
    jobs.startWorkers(
        job -> {
          if (job.id().equals("job-1")) {
            throw new InvalidInputException("x", "wrong shape");
          }
          return "0123456789".getBytes(StandardCharsets.UTF_8);
        },
        1);
    Job invalid = awaitFinal(jobs, jobs.submit(job(null)).job().id());
    assertThat(invalid.state()).isEqualTo(JobState.FAILED);
    assertThat(invalid.attempts()).isEqualTo(1);
    Job big = awaitFinal(jobs, jobs.submit(job(null)).job().id());
    assertThat(big.state()).isEqualTo(JobState.FAILED);
    assertThat(big.error()).contains("10 bytes", "jobs.max-result-bytes 8");
    assertThat(big.result()).isNull();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void completionIsIdempotent(Database database) {
    Jobs jobs = open(database, JobsConfig.defaults(), Clock.systemUTC());
    String id = jobs.submit(job(null)).job().id();
    JobStore store = jobs.store();
    assertThat(store.start(id)).isPresent();
    byte[] first = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    assertThat(store.finish(id, JobState.SUCCEEDED, first, null)).isTrue();
    assertThat(store.finish(id, JobState.SUCCEEDED, new byte[] {'2'}, null)).isFalse();
    assertThat(store.finish(id, JobState.FAILED, null, "late")).isFalse();
    assertThat(store.start(id)).isEmpty();
    Job job = store.find(id).orElseThrow();
    assertThat(job.result()).isEqualTo(first);
    assertThat(job.error()).isNull();
    assertThatThrownBy(() -> jobs.cancel(id, "bob"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("already succeeded");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void anIdempotencyKeyNamesOneJobWithinItsScope(Database database) {
    Jobs jobs = open(database, JobsConfig.defaults(), Clock.systemUTC());
    JobStore.Submission first = jobs.submit(job("k1"));
    JobStore.Submission again = jobs.submit(job("k1"));
    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.job().id()).isEqualTo(first.job().id());
    // Another caller has its own keys.
    assertThat(jobs.submit(new NewJob("iris", null, REQUEST, "bob", null, "k1")).created())
        .isTrue();
    assertThatThrownBy(
            () -> jobs.submit(new NewJob("iris", null, new byte[] {'{', '}'}, "alice", null, "k1")))
        .isInstanceOf(IdempotencyKeyReusedException.class)
        .hasMessageContaining(first.job().id());
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aKeyOutlivingItsTtlStartsANewJob(Database database) {
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    JobsConfig config =
        JobsConfig.defaults()
            .withIdempotency(new IdempotencyConfig(IdempotencyScope.MODEL, Duration.ofMinutes(1)));
    Jobs jobs = open(database, config, clock);
    String first = jobs.submit(job("k")).job().id();
    clock.advance(Duration.ofMinutes(2));
    JobStore.Submission later = jobs.submit(new NewJob("iris", null, REQUEST, "bob", null, "k"));
    assertThat(later.created()).isTrue();
    assertThat(later.job().id()).isNotEqualTo(first);
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void cancelledJobsAreDroppedByWorkers(Database database) throws Exception {
    Jobs jobs = open(database, JobsConfig.defaults(), Clock.systemUTC());
    String id = jobs.submit(job(null)).job().id();
    assertThat(jobs.cancel(id, "alice").state()).isEqualTo(JobState.CANCELLED);
    AtomicInteger runs = new AtomicInteger();
    Optional<JobQueue.Delivery> delivery = jobs.queue().receive(Duration.ofSeconds(5));
    assertThat(delivery).isPresent();
    new JobWorkersProbe(
            jobs,
            job -> {
              runs.incrementAndGet();
              return new byte[0];
            })
        .handle(delivery.get());
    assertThat(runs).hasValue(0);
    assertThat(((EmbeddedJobQueue) jobs.queue()).depth()).isZero();
    assertThat(jobs.find(id).orElseThrow().error()).isEqualTo("cancelled by alice");
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aDeliveryNotAckedBeforeItsLeaseEndsIsDeliveredAgain(Database database) throws Exception {
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    Jobs jobs = open(database, JobsConfig.defaults().withLease(Duration.ofSeconds(30)), clock);
    String id = jobs.submit(job(null)).job().id();
    JobQueue queue = jobs.queue();
    JobQueue.Delivery first = queue.receive(Duration.ZERO).orElseThrow();
    assertThat(first.deliveryCount()).isEqualTo(1);
    assertThat(queue.receive(Duration.ZERO)).isEmpty();
    clock.advance(Duration.ofSeconds(20));
    first.extendLease(Duration.ofSeconds(30));
    clock.advance(Duration.ofSeconds(20));
    assertThat(queue.receive(Duration.ZERO)).isEmpty();
    clock.advance(Duration.ofSeconds(11));
    JobQueue.Delivery second = queue.receive(Duration.ZERO).orElseThrow();
    assertThat(second.jobId()).isEqualTo(id);
    assertThat(second.deliveryCount()).isEqualTo(2);
    // The first holder's late ack does not remove the second's delivery.
    first.ack();
    assertThat(((EmbeddedJobQueue) queue).depth()).isEqualTo(1);
    second.retryAt(clock.instant().plusSeconds(5));
    assertThat(queue.receive(Duration.ZERO)).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    JobQueue.Delivery third = queue.receive(Duration.ZERO).orElseThrow();
    third.ack();
    assertThat(((EmbeddedJobQueue) queue).depth()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void theSweeperExpiresLateJobsDeletesOldOnesAndPublishesLostOnes(Database database) {
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    JobsConfig config =
        JobsConfig.defaults().withLifetimes(Duration.ofMinutes(10), Duration.ofHours(1));
    Jobs jobs = open(database, config, clock);
    String late = jobs.submit(job(null)).job().id();
    // Stored but never published: as if the process died between the two.
    String lost = jobs.store().submit(job(null)).job().id();
    EmbeddedJobQueue queue = (EmbeddedJobQueue) jobs.queue();
    assertThat(queue.depth()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    jobs.sweep();
    assertThat(queue.depth()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(10));
    jobs.sweep();
    assertThat(jobs.find(late).orElseThrow().state()).isEqualTo(JobState.EXPIRED);
    assertThat(jobs.find(lost).orElseThrow().state()).isEqualTo(JobState.EXPIRED);
    clock.advance(Duration.ofHours(2));
    jobs.sweep();
    assertThat(jobs.find(late)).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void aCallbackLostWithItsProcessIsSentByTheSweeperOnce(Database database) throws Exception {
    AtomicInteger received = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          received.incrementAndGet();
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    try {
      ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
      JobsConfig config =
          JobsConfig.defaults()
              .withCallbacks(
                  CallbacksConfig.defaults().withAllowedHosts(List.of("127.0.0.1"), true));
      Jobs jobs = open(database, config, clock);
      String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
      // Finished in the store by a process that died before its callback went out.
      String id =
          jobs.store().submit(new NewJob("iris", null, REQUEST, "alice", url, null)).job().id();
      assertThat(jobs.store().finish(id, JobState.FAILED, null, "boom")).isTrue();

      jobs.sweep(); // within the callbacks' retry schedule: the finishing process may still send
      clock.advance(jobs.callbacksRetrySchedule().plusSeconds(1));
      jobs.sweep();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (received.get() == 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(received).hasValue(1);
      // Delivered and recorded: later sweeps leave it alone.
      awaitCallbackDone(jobs, id);
      clock.advance(jobs.callbacksRetrySchedule().plusSeconds(1));
      jobs.sweep();
      assertThat(received).hasValue(1);
    } finally {
      receiver.stop(0);
    }
  }

  private static void awaitCallbackDone(Jobs jobs, String id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      boolean done =
          jobs.store()
              .store()
              .read(
                  connection -> {
                    try (var select =
                        connection.prepareStatement(
                            "SELECT callback_done_us FROM jobs WHERE id = ?")) {
                      select.setString(1, id);
                      try (var rows = select.executeQuery()) {
                        return rows.next() && rows.getObject(1) != null;
                      }
                    }
                  });
      if (done) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new AssertionError("callback of job " + id + " not recorded as done");
  }

  @Test
  void anUnreachableQueueIsOneWarningForAllWorkersNotOnePerThreadPerSecond() throws Exception {
    Jobs jobs = open(Database.SQLITE, JobsConfig.defaults(), Clock.systemUTC());
    AtomicInteger receives = new AtomicInteger();
    JobQueue down =
        new JobQueue() {
          @Override
          public String backend() {
            return "redis";
          }

          @Override
          public void publish(String jobId, String model, java.time.Instant notBefore) {}

          @Override
          public java.util.Optional<Delivery> receive(Duration wait) {
            receives.incrementAndGet();
            throw new io.mlsys.core.DependencyUnavailableException(
                "redis job queue 'jobs' at 127.0.0.1:1", "connection refused", wait, null);
          }

          @Override
          public void close() {}
        };
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(JobWorkers.class.getName());
    List<java.util.logging.LogRecord> warnings =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel() == java.util.logging.Level.WARNING) {
              warnings.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(capture);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    JobWorkers workers =
        new JobWorkers(
            jobs.store(),
            down,
            job -> new byte[0],
            jobs.config(),
            Clock.systemUTC(),
            new JobCallbacks(jobs.config().callbacks(), Clock.systemUTC(), Map.of(), host -> null),
            new JobMetrics(new SimpleMeterRegistry()),
            scheduler,
            3);
    try {
      // Each thread pauses a second after a failure: 9 receives are 3 rounds of 3 threads.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (receives.get() < 9 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      assertThat(receives.get()).isGreaterThanOrEqualTo(9);
      assertThat(warnings).hasSize(1);
      assertThat(warnings.getFirst().getMessage())
          .contains("redis job queue 'jobs' at 127.0.0.1:1", "connection refused");
      assertThat(warnings.getFirst().getThrown()).isNull();
    } finally {
      workers.close();
      scheduler.shutdownNow();
      logger.removeHandler(capture);
    }
  }

  @ParameterizedTest
  @EnumSource(Database.class)
  void submissionsBeyondMaxQueuedAreRefused(Database database) {
    Jobs jobs = open(database, JobsConfig.defaults().withLimits(1024, 2), Clock.systemUTC());
    jobs.submit(job(null));
    jobs.submit(job(null));
    assertThatThrownBy(() -> jobs.submit(job(null)))
        .isInstanceOf(CapacityExceededException.class)
        .hasMessageContaining("jobs.max-queued 2");
  }
}
