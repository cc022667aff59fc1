package io.mlsys.queue;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.store.Database;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.store.StoreException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Asynchronous inference jobs of one process: the store, the queue backend, callbacks, the sweeper
 * and (when started) worker threads. The server accepts jobs through it, {@code mlsys worker} only
 * runs them; both may run workers, and any number of processes share one store and queue.
 */
public final class Jobs implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Jobs.class.getName());

  /** The most jobs one listing answers. */
  public static final int MAX_LIST = 1000;

  private final JobsConfig config;
  private final Store ownedStore;
  private final JobStore store;
  private final JobQueue queue;
  private final JobCallbacks callbacks;
  private final JobMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private JobWorkers workers;
  private boolean closed;

  private Jobs(
      JobsConfig config,
      Store ownedStore,
      JobStore store,
      JobQueue queue,
      JobCallbacks callbacks,
      MeterRegistry registry,
      Clock clock) {
    this.config = config;
    this.ownedStore = ownedStore;
    this.store = store;
    this.queue = queue;
    this.callbacks = callbacks;
    callbacks.onDone(
        id -> {
          try {
            store.callbackDone(id);
          } catch (RuntimeException e) {
            LOG.log(
                Level.WARNING,
                "job " + id + ": callback done but not recorded (the sweeper may send it again)",
                e);
          }
        });
    this.metrics = new JobMetrics(registry);
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("mlsys-jobs-sweeper").daemon().factory());
    long every = config.sweepInterval().toMillis();
    scheduler.scheduleWithFixedDelay(this::sweep, 0, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Opens the jobs' store ({@value JobStore#OWNER} owner), the queue backend and the sweeper.
   *
   * @param environment where {@code jobs.callbacks.secret-env} is read
   * @throws io.mlsys.config.ConfigException when the backend's settings are invalid or the secret
   *     is not set
   * @throws StoreException when the store cannot be opened
   */
  public static Jobs open(
      JobsConfig config,
      StoreConfig storeConfig,
      Path dataDir,
      Clock clock,
      MeterRegistry registry,
      Map<String, String> environment) {
    JobCallbacks callbacks =
        new JobCallbacks(config.callbacks(), clock, environment, InetAddress::getAllByName);
    Store store = Store.open(storeConfig, dataDir, JobStore.OWNER);
    try {
      JobQueue queue = JobQueues.open(config, store, clock);
      return new Jobs(
          config,
          store,
          new JobStore(store, config, clock, () -> UUID.randomUUID().toString()),
          queue,
          callbacks,
          registry,
          clock);
    } catch (RuntimeException e) {
      store.close();
      callbacks.close();
      throw e;
    }
  }

  /**
   * Jobs over parts the caller made (tests, other backends); {@link #close} closes the queue and
   * callbacks but not the store.
   */
  public static Jobs of(
      JobsConfig config,
      JobStore store,
      JobQueue queue,
      JobCallbacks callbacks,
      MeterRegistry registry,
      Clock clock) {
    return new Jobs(config, null, store, queue, callbacks, registry, clock);
  }

  public JobsConfig config() {
    return config;
  }

  public JobQueue queue() {
    return queue;
  }

  public JobStore store() {
    return store;
  }

  /**
   * Checks a callback URL at submission.
   *
   * @throws io.mlsys.core.InvalidInputException naming {@code field} when it may not be called
   */
  public String checkCallback(String url, String field) {
    return callbacks.check(url, field);
  }

  /**
   * Stores the job and hands it to the queue; a job its idempotency key already names is answered
   * instead. When publishing fails, the job stays stored and the sweeper publishes it later.
   *
   * @throws io.mlsys.core.CapacityExceededException when {@code jobs.max-queued} jobs are waiting
   * @throws IdempotencyKeyReusedException when the key names a job with another request
   */
  public JobStore.Submission submit(NewJob job) {
    JobStore.Submission submission;
    try {
      submission = store.submit(job);
    } catch (StoreException e) {
      // Two replicas inserted the same key at once: the other one's job is the answer.
      if (job.idempotencyKey() == null || !isUniqueViolation(e)) {
        throw e;
      }
      submission = store.submit(job);
    }
    if (submission.created()) {
      metrics.submitted(job.model());
      Job stored = submission.job();
      try {
        queue.publish(stored.id(), stored.model(), clock.instant());
        store.markPublished(stored.id());
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "job " + stored.id() + ": not published now; the sweeper publishes it later",
            e);
      }
    }
    return submission;
  }

  private boolean isUniqueViolation(StoreException e) {
    Database database = store.store().database();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && database.isUniqueViolation(sql)) {
        return true;
      }
    }
    return false;
  }

  /** The job with its result, or empty when unknown (or deleted after {@code result-ttl}). */
  public Optional<Job> find(String id) {
    return store.find(id);
  }

  /** Jobs in {@code state} (all when null), newest first, at most {@value #MAX_LIST}. */
  public List<Job> list(JobState state, int limit) {
    return store.list(state, Math.min(Math.max(limit, 1), MAX_LIST));
  }

  /**
   * Cancels a job that is not final: a worker that receives it drops it, and one running it cannot
   * store a result.
   *
   * @return the job, cancelled
   * @throws ResourceNotFoundException when unknown
   * @throws FailedPreconditionException when already final
   */
  public Job cancel(String id, String caller) {
    boolean cancelled =
        store.finish(
            id, JobState.CANCELLED, null, "cancelled by " + (caller == null ? "a client" : caller));
    Job job = store.find(id).orElseThrow(() -> new ResourceNotFoundException("job '" + id + "'"));
    if (!cancelled) {
      throw new FailedPreconditionException(
          "job '"
              + id
              + "' is already "
              + job.state().wireName()
              + " (expected: queued or running)");
    }
    metrics.completed(JobState.CANCELLED);
    callbacks.send(job);
    return job;
  }

  /**
   * Starts {@code threads} worker threads that run jobs with {@code runner}.
   *
   * @throws IllegalStateException when workers run already
   */
  public synchronized void startWorkers(JobRunner runner, int threads) {
    Objects.requireNonNull(runner, "runner");
    if (workers != null) {
      throw new IllegalStateException("jobs: workers already started");
    }
    if (threads > 0) {
      workers =
          new JobWorkers(
              store, queue, runner, config, clock, callbacks, metrics, scheduler, threads);
    }
  }

  /** How long a callback may take, retries included, before the sweeper counts it as lost. */
  Duration callbacksRetrySchedule() {
    return callbacks.retrySchedule();
  }

  /**
   * One sweep: expire late jobs, delete old ones, publish unpublished ones, resend lost callbacks,
   * refresh the gauges, then publish again jobs whose queue lost their delivery.
   */
  void sweep() {
    try {
      for (String id : store.expireOverdue()) {
        metrics.completed(JobState.EXPIRED);
        store.find(id).filter(job -> job.callbackUrl() != null).ifPresent(callbacks::send);
      }
      store.deleteOld();
      // Older than a lease: a submission in progress publishes its own job well before that.
      for (Job job : store.unpublished(config.lease(), 1000)) {
        queue.publish(job.id(), job.model(), clock.instant());
        store.markPublished(job.id());
      }
      // Callbacks whose process died before they were delivered or given up.
      for (Job job : store.claimOverdueCallbacks(callbacks.retrySchedule(), 100)) {
        callbacks.send(job);
      }
      metrics.counts(store.counts());
      republishLost();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "jobs sweep failed; the next one tries again", e);
    }
  }

  /**
   * Publishes again the jobs whose queue lost the delivery (claimed in the store, so one process
   * does it once per {@code republish-after}). A job that was only slow gets a second delivery:
   * harmless, since the worker that gets it after the job ended drops it, and completion is
   * idempotent (one result per job) when both run.
   */
  private void republishLost() {
    if (queue.deliveriesInStore()) {
      return;
    }
    for (Job job : store.claimLostDeliveries(config.republishAfter(), 1000)) {
      queue.publish(job.id(), job.model(), clock.instant());
      metrics.republished();
      LOG.fine(() -> "job " + job.id() + ": no live delivery, published again");
    }
  }

  /**
   * Stops the workers (running jobs get up to {@code grace} to finish; the rest go back to the
   * queue), then the sweeper, the queue, callbacks and the store.
   */
  public synchronized void close(Duration grace) {
    if (closed) {
      return;
    }
    closed = true;
    if (workers != null) {
      workers.stop(grace);
    }
    scheduler.shutdownNow();
    try {
      queue.close();
    } finally {
      callbacks.close();
      if (ownedStore != null) {
        ownedStore.close();
      }
    }
  }

  @Override
  public void close() {
    close(config.lease());
  }
}
