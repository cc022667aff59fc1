package io.mlsys.queue;

import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.UnsupportedMediaTypeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Worker threads: each receives a delivery, drops it when its job is final (cancelled, expired, or
 * finished by an earlier delivery), else starts an attempt, runs the model, finishes the job once
 * (conditionally) and acknowledges. A failed attempt is queued again after a doubling delay until
 * {@code jobs.max-attempts}, then the job is {@code failed}. Leases of running jobs are extended
 * every third of {@code jobs.lease}, so a long job is not given to a second worker.
 */
final class JobWorkers implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(JobWorkers.class.getName());

  /** How long one receive waits before the loop checks whether it should stop. */
  static final Duration RECEIVE_WAIT = Duration.ofSeconds(1);

  /**
   * One warning per this while the queue cannot be reached, for all worker threads together: an
   * outage of the broker must not flood the log with a line per thread per second.
   */
  static final Duration QUEUE_WARNING_INTERVAL = Duration.ofMinutes(1);

  private final JobStore store;
  private final JobQueue queue;
  private final JobRunner runner;
  private final JobsConfig config;
  private final Clock clock;
  private final JobCallbacks callbacks;
  private final JobMetrics metrics;
  private final Map<String, JobQueue.Delivery> inFlight = new ConcurrentHashMap<>();
  private final List<Worker> workers = new ArrayList<>();
  private final ScheduledFuture<?> leaseExtender;
  private volatile boolean running = true;
  private final AtomicLong nextQueueWarning = new AtomicLong(Long.MIN_VALUE);
  private final AtomicBoolean queueFailing = new AtomicBoolean();

  JobWorkers(
      JobStore store,
      JobQueue queue,
      JobRunner runner,
      JobsConfig config,
      Clock clock,
      JobCallbacks callbacks,
      JobMetrics metrics,
      ScheduledExecutorService scheduler,
      int threads) {
    this.store = store;
    this.queue = queue;
    this.runner = runner;
    this.config = config;
    this.clock = clock;
    this.callbacks = callbacks;
    this.metrics = metrics;
    long every = Math.max(config.lease().toMillis() / 3, 100);
    this.leaseExtender =
        scheduler.scheduleWithFixedDelay(this::extendLeases, every, every, TimeUnit.MILLISECONDS);
    for (int i = 0; i < threads; i++) {
      Worker worker = new Worker();
      worker.thread = Thread.ofPlatform().name("mlsys-job-worker-" + i).daemon().unstarted(worker);
      workers.add(worker);
    }
    workers.forEach(worker -> worker.thread.start());
  }

  private final class Worker implements Runnable {
    Thread thread;
    boolean idle;

    @Override
    public void run() {
      while (running) {
        Optional<JobQueue.Delivery> delivery;
        try {
          setIdle(true);
          delivery = queue.receive(RECEIVE_WAIT);
          if (queueFailing.compareAndSet(true, false)) {
            LOG.info("job queue " + queue.backend() + ": receiving again");
            nextQueueWarning.set(Long.MIN_VALUE);
          }
        } catch (InterruptedException e) {
          continue;
        } catch (RuntimeException e) {
          warnQueueFailing(e);
          pause();
          continue;
        } finally {
          setIdle(false);
        }
        if (delivery.isEmpty()) {
          continue;
        }
        if (!running) {
          // Stopping: hand it back for another process rather than start it now.
          delivery.get().retryAt(clock.instant());
          break;
        }
        handle(delivery.get());
      }
    }

    /** An interrupt only ever reaches a thread that is waiting for a delivery. */
    synchronized void setIdle(boolean now) {
      idle = now;
      if (!now) {
        Thread.interrupted();
      }
    }

    synchronized void wake() {
      if (idle) {
        thread.interrupt();
      }
    }

    private void warnQueueFailing(RuntimeException e) {
      queueFailing.set(true);
      long now = System.nanoTime();
      long due = nextQueueWarning.get();
      if ((due != Long.MIN_VALUE && now - due < 0)
          || !nextQueueWarning.compareAndSet(due, now + QUEUE_WARNING_INTERVAL.toNanos())) {
        return;
      }
      if (e instanceof DependencyUnavailableException) {
        // The backend says what is down and why; a stack trace adds nothing.
        LOG.warning("job queue: receive failed, workers keep trying: " + e.getMessage());
      } else {
        LOG.log(Level.WARNING, "job queue: receive failed, workers keep trying", e);
      }
    }

    private void pause() {
      try {
        setIdle(true);
        Thread.sleep(RECEIVE_WAIT);
      } catch (InterruptedException e) {
        // stopping
      } finally {
        setIdle(false);
      }
    }
  }

  void handle(JobQueue.Delivery delivery) {
    String id = delivery.jobId();
    inFlight.put(id, delivery);
    try {
      Optional<Job> found = store.find(id);
      if (found.isEmpty() || found.get().state().isFinal()) {
        delivery.ack();
        return;
      }
      if (found.get().attempts() >= config.maxAttempts()) {
        // Its attempts ran out without an answer: every worker that took it died (or lost its
        // lease) while running it. A poison job must not kill workers forever.
        finish(
            found.get(),
            JobState.FAILED,
            null,
            "gave up after "
                + found.get().attempts()
                + " attempts that ended without an answer (jobs.max-attempts "
                + config.maxAttempts()
                + ")");
        delivery.ack();
        return;
      }
      Optional<Job> started = store.start(id);
      if (started.isEmpty()) {
        delivery.ack();
        return;
      }
      Job job = started.get();
      if (job.attempts() == 1) {
        metrics.queueLatency(Duration.between(job.created(), clock.instant()));
      }
      byte[] result;
      long begin = System.nanoTime();
      try {
        result = runner.run(job);
      } catch (RuntimeException e) {
        metrics.run(System.nanoTime() - begin);
        failed(delivery, job, e);
        return;
      }
      metrics.run(System.nanoTime() - begin);
      if (result.length > config.maxResultBytes()) {
        finish(
            job,
            JobState.FAILED,
            null,
            "the result is "
                + result.length
                + " bytes (over jobs.max-result-bytes "
                + config.maxResultBytes()
                + ")");
      } else {
        finish(job, JobState.SUCCEEDED, result, null);
      }
      delivery.ack();
    } catch (RuntimeException e) {
      // The store or the queue failed: the delivery stays unacknowledged, so its lease brings it
      // back and another attempt finishes it.
      LOG.log(Level.WARNING, "job " + id + ": left for redelivery after an error", e);
    } finally {
      inFlight.remove(id);
    }
  }

  private void failed(JobQueue.Delivery delivery, Job job, RuntimeException e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    boolean permanent =
        e instanceof InvalidInputException
            || e instanceof ModelNotFoundException
            || e instanceof UnsupportedMediaTypeException
            || e instanceof PayloadTooLargeException;
    if (permanent || job.attempts() >= config.maxAttempts()) {
      finish(
          job,
          JobState.FAILED,
          null,
          permanent ? message : message + " (after " + job.attempts() + " attempts)");
      delivery.ack();
    } else {
      Instant due = clock.instant().plus(config.backoffAfter(job.attempts()));
      if (store.requeue(job.id(), message, due)) {
        metrics.retried();
        delivery.retryAt(due);
      } else {
        delivery.ack();
      }
    }
  }

  private void finish(Job job, JobState state, byte[] result, String error) {
    if (store.finish(job.id(), state, result, error)) {
      metrics.completed(state);
      if (job.callbackUrl() != null) {
        store.find(job.id()).ifPresent(callbacks::send);
      }
    }
  }

  private void extendLeases() {
    if (!queue.deliveriesInStore() && !inFlight.isEmpty()) {
      // The store's sign that these deliveries live: without it the sweeper republishes them.
      try {
        store.stillRunning(List.copyOf(inFlight.keySet()));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "jobs: could not record that running jobs are alive", e);
      }
    }
    for (JobQueue.Delivery delivery : inFlight.values()) {
      try {
        delivery.extendLease(config.lease());
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "job " + delivery.jobId() + ": lease extension failed", e);
      }
    }
  }

  /**
   * Stops receiving; waits up to {@code grace} for running jobs to finish. Jobs still running then
   * are handed back by the queue's close (or their leases).
   */
  void stop(Duration grace) {
    running = false;
    workers.forEach(Worker::wake);
    long deadline = System.nanoTime() + grace.toNanos();
    for (Worker worker : workers) {
      long left = deadline - System.nanoTime();
      try {
        if (left > 0) {
          worker.thread.join(Duration.ofNanos(left));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    leaseExtender.cancel(false);
  }

  @Override
  public void close() {
    stop(config.lease());
  }
}
