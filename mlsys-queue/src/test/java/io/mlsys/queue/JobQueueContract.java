package io.mlsys.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.queue.JobQueue.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link JobQueue} backend promises, run against the real server of each. The waits are
 * the backends' own (a lease that runs out on the broker's clock), bounded by {@link #PATIENCE}; no
 * test sleeps.
 */
public abstract class JobQueueContract {
  /** Longest a test waits for a delivery the backend owes it. */
  protected static final Duration PATIENCE = Duration.ofSeconds(20);

  /** The lease the queues under test are opened with: short, so that a claim comes quickly. */
  protected static final Duration LEASE = Duration.ofSeconds(1);

  protected final String name = "mlsys-test-" + UUID.randomUUID();
  private final List<JobQueue> opened = new ArrayList<>();

  /** Opens a queue named {@code name} as a process named {@code consumer} would. */
  protected abstract JobQueue open(String name, String consumer, Duration lease);

  /** Removes what the backend keeps for {@code name} (keys, queues). */
  protected abstract void deleteQueue(String name) throws Exception;

  protected final JobQueue queue(String consumer) {
    JobQueue queue = open(name, consumer, LEASE);
    opened.add(queue);
    return queue;
  }

  @AfterEach
  void closeAndDelete() throws Exception {
    opened.forEach(JobQueue::close);
    deleteQueue(name);
  }

  private static Delivery awaitDelivery(JobQueue queue) throws InterruptedException {
    Instant giveUp = Instant.now().plus(PATIENCE);
    while (Instant.now().isBefore(giveUp)) {
      Optional<Delivery> delivery = queue.receive(Duration.ofMillis(500));
      if (delivery.isPresent()) {
        return delivery.get();
      }
    }
    throw new AssertionError("no delivery within " + PATIENCE);
  }

  @Test
  void aPublishedJobIsDeliveredOnceAndNotAgainAfterItsAck() throws Exception {
    JobQueue queue = queue("worker-1");
    queue.publish("job-1", "iris", Instant.now());

    Delivery delivery = awaitDelivery(queue);
    assertThat(delivery.jobId()).isEqualTo("job-1");
    assertThat(delivery.deliveryCount()).isEqualTo(1);
    delivery.ack();

    // Past the lease: an acknowledged job is never claimed again.
    assertThat(queue.receive(LEASE.multipliedBy(3))).isEmpty();
  }

  @Test
  void aJobWhoseWorkerDiedGoesToAnotherWorker() throws Exception {
    JobQueue dying = open(name, "worker-dying", LEASE);
    dying.publish("job-1", "iris", Instant.now());
    Delivery taken = awaitDelivery(dying);
    assertThat(taken.jobId()).isEqualTo("job-1");
    dying.close(); // without an ack, as a killed process leaves it

    Delivery again = awaitDelivery(queue("worker-2"));

    assertThat(again.jobId()).isEqualTo("job-1");
    assertThat(again.deliveryCount()).isGreaterThanOrEqualTo(2);
    again.ack();
  }

  @Test
  void aRetryIsNotDeliveredBeforeItsTime() throws Exception {
    JobQueue queue = queue("worker-1");
    queue.publish("job-1", "iris", Instant.now());
    Delivery first = awaitDelivery(queue);

    Instant due = Instant.now().plusMillis(700);
    first.retryAt(due);
    Delivery retried = awaitDelivery(queue);

    assertThat(retried.jobId()).isEqualTo("job-1");
    assertThat(Instant.now()).isAfterOrEqualTo(due);
    retried.ack();
  }

  @Test
  void aJobPublishedForLaterWaitsUntilThen() throws Exception {
    JobQueue queue = queue("worker-1");
    Instant due = Instant.now().plusMillis(600);
    queue.publish("later", "iris", due);

    Delivery delivery = awaitDelivery(queue);

    assertThat(delivery.jobId()).isEqualTo("later");
    assertThat(Instant.now()).isAfterOrEqualTo(due);
    delivery.ack();
  }

  @Test
  void concurrentWorkersShareTheJobsEachOnce() throws Exception {
    int jobs = 2_000;
    JobQueue publisher = queue("publisher");
    for (int i = 0; i < jobs; i++) {
      publisher.publish("job-" + i, "iris", Instant.now());
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        JobQueue worker = queue("worker-" + w);
        running.add(
            workers.submit(
                () -> {
                  while (seen.size() < jobs) {
                    Optional<Delivery> delivery = worker.receive(Duration.ofMillis(200));
                    if (delivery.isPresent()) {
                      if (!seen.add(delivery.get().jobId())) {
                        duplicates.incrementAndGet();
                      }
                      delivery.get().ack();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> worker : running) {
        worker.get(PATIENCE.multipliedBy(3).toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      workers.shutdownNow();
    }

    assertThat(seen).hasSize(jobs);
    assertThat(duplicates).hasValue(0);
  }

  /** A clock for queues under test: the real one, since the broker's own clock runs the lease. */
  protected static Clock clock() {
    return Clock.systemUTC();
  }
}
