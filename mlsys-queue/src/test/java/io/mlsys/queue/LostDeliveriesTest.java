package io.mlsys.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.config.ConfigException;
import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.queue.redis.RedisStreamsJobQueue;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.PrivateRedis;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deliveries a queue backend lost are published again from the store by the sweeper. */
class LostDeliveriesTest {
  private static final byte[] REQUEST =
      "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]}"
          .getBytes(StandardCharsets.UTF_8);
  private static final int JOBS = 20;

  @TempDir Path dataDir;

  private static NewJob job() {
    return new NewJob("iris", null, REQUEST, "alice", null, null);
  }

  @Test
  void jobsARedisRestartedEmptyForgotAreRepublishedAndEachSucceedsOnce() throws Exception {
    // The jobs' clock is manual and behind the real one, which the Redis queue keeps for its own
    // waits: a job published at the manual "now" is due at once.
    ManualClock clock = new ManualClock(Instant.now().minus(Duration.ofHours(1)));
    // Only the sweep the test calls: the scheduled one runs once, at start.
    JobsConfig config =
        JobsConfig.defaults()
            .withQueue(QueueBackend.REDIS)
            .withSweepInterval(Duration.ofHours(1))
            .withLease(Duration.ofSeconds(5));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AtomicInteger ids = new AtomicInteger();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    try (PrivateRedis redis = new PrivateRedis();
        Store store = Store.open(StoreConfig.defaults(), dataDir, JobStore.OWNER)) {
      RedisStreamsJobQueue queue =
          new RedisStreamsJobQueue(
              redis.uri(), "lost", "workers", "test-1", config.lease(), Clock.systemUTC());
      Jobs jobs =
          Jobs.of(
              config,
              new JobStore(store, config, clock, () -> "job-" + ids.incrementAndGet()),
              queue,
              new JobCallbacks(config.callbacks(), clock, Map.of(), host -> new InetAddress[0]),
              registry,
              clock);
      try {
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
          submitted.add(jobs.submit(job()).job().id());
        }
        // A worker took one and died mid-run: its job is running, its delivery pending in Redis.
        String orphan = queue.receive(Duration.ofSeconds(5)).orElseThrow().jobId();
        assertThat(jobs.store().start(orphan)).isPresent();

        // Restarted without persistence: the stream, its pending entries and its group are gone.
        redis.stop();
        redis.start();
        PrivateRedis.await(() -> publishes(queue), "the queue to reach the restarted Redis");
        jobs.startWorkers(
            job -> {
              runs.computeIfAbsent(job.id(), id -> new AtomicInteger()).incrementAndGet();
              return "{\"outputs\":[]}".getBytes(StandardCharsets.UTF_8);
            },
            2);

        jobs.sweep();
        assertThat(republished(registry)).as("before republish-after").isZero();
        assertThat(jobs.list(JobState.QUEUED, 100)).hasSize(JOBS - 1);

        clock.advance(config.republishAfter().plusSeconds(1));
        jobs.sweep();
        assertThat(republished(registry)).isEqualTo(JOBS);

        PrivateRedis.await(
            () -> jobs.list(JobState.SUCCEEDED, 100).size() == JOBS, "every job to succeed");
        for (String id : submitted) {
          Job done = jobs.find(id).orElseThrow();
          assertThat(done.state()).as(id).isEqualTo(JobState.SUCCEEDED);
          assertThat(done.attempts()).as(id).isEqualTo(id.equals(orphan) ? 2 : 1);
          assertThat(runs.get(id)).as("runs of %s", id).hasValue(1);
        }
        assertThat(runs).hasSize(JOBS);

        // Final jobs are never published again.
        clock.advance(config.republishAfter().plusSeconds(1));
        jobs.sweep();
        assertThat(republished(registry)).isEqualTo(JOBS);
      } finally {
        jobs.close(Duration.ofSeconds(5));
      }
    }
  }

  @Test
  void aLiveDeliveryIsLeftAloneAndALostOneIsClaimedOncePerPeriod() {
    ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
    JobsConfig config = JobsConfig.defaults();
    Duration after = config.republishAfter();
    AtomicInteger ids = new AtomicInteger();
    try (Store store = Store.open(StoreConfig.defaults(), dataDir, JobStore.OWNER)) {
      JobStore first = new JobStore(store, config, clock, () -> "job-" + ids.incrementAndGet());
      // Another process's sweeper on the same store.
      JobStore second = new JobStore(store, config, clock, () -> "job-" + ids.incrementAndGet());
      String waiting = first.submit(job()).job().id();
      String running = first.submit(job()).job().id();
      String retried = first.submit(job()).job().id();
      first.markPublished(waiting);
      first.markPublished(running);
      first.markPublished(retried);
      first.start(running);
      first.start(retried);
      // Its retry is due in a minute: the wait for a lost delivery counts from then.
      assertThat(first.requeue(retried, "boom", clock.instant().plus(Duration.ofMinutes(1))))
          .isTrue();

      clock.advance(after.dividedBy(2));
      first.stillRunning(List.of(running));
      clock.advance(after.dividedBy(2).plusSeconds(1));

      assertThat(first.claimLostDeliveries(after, 100))
          .extracting(Job::id)
          .containsExactly(waiting);
      assertThat(first.claimLostDeliveries(after, 100)).isEmpty();
      assertThat(second.claimLostDeliveries(after, 100)).isEmpty();

      // The running job's worker stopped showing it is alive; the retry is long overdue; the
      // waiting job's next period has passed.
      clock.advance(after.plusSeconds(1));
      assertThat(second.claimLostDeliveries(after, 100))
          .extracting(Job::id)
          .containsExactlyInAnyOrder(waiting, running, retried);

      first.finish(waiting, JobState.SUCCEEDED, new byte[0], null);
      clock.advance(after.plusSeconds(1));
      assertThat(first.claimLostDeliveries(after, 100))
          .extracting(Job::id)
          .containsExactlyInAnyOrder(running, retried);
    }
  }

  @Test
  void republishAfterMustOutlastALease() {
    assertThatThrownBy(() -> JobsConfig.defaults().withRepublishAfter(Duration.ofSeconds(30)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "republish-after: 30s (expected: a duration longer than lease (30s))");
  }

  private static boolean publishes(JobQueue queue) {
    try {
      // A probe no job has: a worker that receives it finds no job and drops it.
      queue.publish("probe", "iris", Instant.now());
      return true;
    } catch (DependencyUnavailableException reconnecting) {
      return false;
    }
  }

  private static long republished(SimpleMeterRegistry registry) {
    AtomicLong count = new AtomicLong();
    registry
        .find("mlsys.jobs.republished")
        .counters()
        .forEach(c -> count.addAndGet((long) c.count()));
    return count.get();
  }
}
