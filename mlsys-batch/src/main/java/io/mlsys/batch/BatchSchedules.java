package io.mlsys.batch;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The scheduling loop of {@code mlsys batch schedule} and {@code mlsys serve}: at each pass, every
 * job whose scheduled time came is started if this scheduler wins its lease ({@link
 * BatchScheduler}), run to its end with the lease renewed every third of it, and the lease given
 * back; then the loop waits until the earliest next time (at most a minute, since a lease another
 * scheduler left may expire meanwhile). Each job's progress goes to {@link BatchMetrics} gauges
 * tagged with its name.
 */
public final class BatchSchedules implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(BatchSchedules.class.getName());

  /** The longest wait between two passes. */
  static final Duration MAX_WAIT = Duration.ofMinutes(1);

  /** How long {@link #close} waits for a run in progress before leaving it to its lease. */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  static final String CLOSE_GRACE_TEXT = "5 s";

  /** Runs one run of a job: its model loaded, the rows predicted, the model closed. */
  @FunctionalInterface
  public interface Runner {
    BatchReport run(BatchJob job, BatchProgress progress, Clock clock) throws Exception;
  }

  /** What the loop tells about runs (a console, a log). */
  public interface Listener {
    void started(String job, Instant scheduled);

    void finished(String job, Instant scheduled, BatchReport report);

    /** The run stopped with an error; its checkpoint stays, and the job's next time resumes it. */
    void stopped(String job, Instant scheduled, Exception error);
  }

  private final BatchScheduler scheduler;
  private final Map<String, BatchJob> jobs;
  private final Map<String, BatchMetrics> metrics = new LinkedHashMap<>();
  private final Runner runner;
  private final Listener listener;
  private final Clock clock;
  private final ScheduledExecutorService renewals;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  private final AtomicLong passes = new AtomicLong();
  private boolean stopping;
  private boolean wake;
  private Thread thread;

  /**
   * @param jobs the jobs by name (each with a schedule), as {@link BatchConfig#load} reads them
   * @param registry where each job's progress gauges go
   */
  public BatchSchedules(
      BatchScheduler scheduler,
      Map<String, BatchJob> jobs,
      Runner runner,
      Listener listener,
      MeterRegistry registry,
      Clock clock) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.jobs = Map.copyOf(jobs);
    jobs.forEach(
        (name, job) -> {
          if (job.schedule() == null) {
            throw new IllegalArgumentException(
                "jobs: " + name + " has no schedule (expected: schedule.cron)");
          }
          metrics.put(name, new BatchMetrics(registry, name));
        });
    this.runner = Objects.requireNonNull(runner, "runner");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.renewals =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mlsys-batch-lease").daemon().factory());
  }

  /** Starts each job whose time came and whose lease this scheduler wins; returns when they end. */
  public void runDue() {
    for (Map.Entry<String, BatchMetrics> entry : metrics.entrySet()) {
      String name = entry.getKey();
      BatchJob job = jobs.get(name);
      Optional<Instant> scheduled = scheduler.tryStart(name, job.schedule());
      if (scheduled.isPresent()) {
        run(name, job, scheduled.get(), entry.getValue());
      }
    }
    passes.incrementAndGet();
  }

  private void run(String name, BatchJob job, Instant scheduled, BatchMetrics progress) {
    listener.started(name, scheduled);
    long period = Math.max(1, job.schedule().lease().toMillis() / 3);
    ScheduledFuture<?> renewing =
        renewals.scheduleAtFixedRate(
            () -> scheduler.renew(name, job.schedule()), period, period, TimeUnit.MILLISECONDS);
    try {
      listener.finished(name, scheduled, runner.run(job, progress, clock));
    } catch (Exception e) {
      listener.stopped(name, scheduled, e);
    } finally {
      renewing.cancel(false);
      scheduler.finish(name);
    }
  }

  /** How long until the next pass: the earliest next scheduled time, at most a minute. */
  public Duration untilNext() {
    Instant now = clock.instant();
    Duration wait = MAX_WAIT;
    for (BatchJob job : jobs.values()) {
      Optional<Instant> next = BatchScheduler.next(job.schedule(), now);
      if (next.isPresent()) {
        // A little past the time, so that the pass finds it due.
        Duration until = Duration.between(now, next.get()).plusMillis(50);
        wait = until.compareTo(wait) < 0 ? until : wait;
      }
    }
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /** Passes until {@link #close}: each runs what is due, then waits for the next time. */
  public void runUntilClosed() {
    while (true) {
      try {
        runDue();
      } catch (RuntimeException e) {
        // The store is unreachable, say: the loop must outlive it, and the next pass tries again.
        LOG.log(Level.WARNING, "batch schedules: a pass failed; the next one tries again", e);
      }
      lock.lock();
      try {
        long nanos = untilNext().toNanos();
        while (!stopping && !wake && nanos > 0) {
          nanos = woken.awaitNanos(nanos);
        }
        wake = false;
        if (stopping) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  /** Runs {@link #runUntilClosed} on a daemon thread of its own. */
  public synchronized BatchSchedules start() {
    if (thread != null) {
      throw new IllegalStateException("batch schedules: already started");
    }
    thread = Thread.ofPlatform().name("mlsys-batch-schedules").daemon().start(this::runUntilClosed);
    return this;
  }

  /** Makes the waiting loop pass again now (its clock moved, a test). */
  public void wake() {
    lock.lock();
    try {
      wake = true;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** How many passes the loop has made. */
  public long passes() {
    return passes.get();
  }

  /**
   * Stops the loop: a run in progress gets {@value #CLOSE_GRACE_TEXT} to end; one still going on is
   * left to its lease, and the job's next time resumes it from its checkpoint.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      stopping = true;
      woken.signalAll();
    } finally {
      lock.unlock();
    }
    Thread running;
    synchronized (this) {
      running = thread;
    }
    if (running != null) {
      try {
        running.join(CLOSE_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    renewals.shutdownNow();
  }
}
