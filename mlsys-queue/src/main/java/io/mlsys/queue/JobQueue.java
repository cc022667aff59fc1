package io.mlsys.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Delivers job ids to workers, at least once. It holds no job state: the job's request, state,
 * attempts and result live in the store, so a backend only has to get an id to some worker, again
 * when the worker that had it died or asked for a retry.
 *
 * <p>Implementations are thread-safe: one instance is shared by a process's publishers and all its
 * worker threads, each of which calls {@link #receive} in a loop.
 */
public interface JobQueue extends AutoCloseable {

  /**
   * The backend's name, as in config and metrics: {@code embedded}, {@code redis}, {@code
   * rabbitmq}.
   */
  String backend();

  /**
   * Hands a job to the queue. Durable when it returns: a job published and then followed by a crash
   * of this process is still delivered.
   *
   * @param jobId the job's id in the store
   * @param model the model the job runs on (backends may route or partition by it)
   * @param notBefore the earliest time to deliver it (now for a new job, later for a retry)
   * @throws io.mlsys.core.DependencyUnavailableException when the backend cannot take it now
   */
  void publish(String jobId, String model, Instant notBefore);

  /**
   * Waits up to {@code wait} for a job to work on.
   *
   * @return the delivery, or empty when none arrived in time
   * @throws io.mlsys.core.DependencyUnavailableException when the backend cannot be reached
   * @throws InterruptedException when the worker thread is being stopped
   */
  Optional<Delivery> receive(Duration wait) throws InterruptedException;

  /**
   * Whether the deliveries live in the jobs' own store, changed in the same database as the jobs
   * (the embedded queue): they cannot be lost apart from the jobs, so the sweeper never publishes
   * them again. Any other backend may lose messages (a Redis restarted without persistence, a
   * broker's lost state), and the sweeper republishes jobs without a sign of a live delivery.
   */
  default boolean deliveriesInStore() {
    return false;
  }

  /** Stops delivering to this process; unacknowledged deliveries go back to the queue. */
  @Override
  void close();

  /** One job handed to one worker, until it is acknowledged or its lease runs out. */
  interface Delivery {
    /** The job's id in the store. */
    String jobId();

    /** How many times this job has been delivered, this time included (1 on the first delivery). */
    int deliveryCount();

    /**
     * The worker is done with the job (it reached a final state, or was dropped): never redeliver.
     */
    void ack();

    /**
     * Deliver the job again, no earlier than {@code notBefore} (a failed attempt with retries
     * left).
     */
    void retryAt(Instant notBefore);

    /** The worker is still working on it: keep it from being redelivered for {@code lease} more. */
    void extendLease(Duration lease);
  }
}
