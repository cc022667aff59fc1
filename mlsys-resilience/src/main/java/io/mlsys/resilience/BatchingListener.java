package io.mlsys.resilience;

/**
 * What a {@link DynamicBatcher} reports for metrics; the {@code batching} decorator maps it to the
 * meter registry ({@link BatchingMetrics}). Methods are called on the batcher's threads, so they
 * must be fast and must not throw.
 */
public interface BatchingListener {

  /** Reason given to {@link #rejected} when the queue holds max-queue-size requests. */
  String QUEUE_FULL = "queue-full";

  /** Reason given to {@link #rejected} when a request could no longer meet its deadline. */
  String DEADLINE = "deadline";

  /**
   * One request's batch starts.
   *
   * @param queueNanos how long the request waited in the queue, by the batcher's clock
   */
  void queued(String model, long queueNanos);

  /**
   * The model is called once.
   *
   * @param requests how many requests the call holds (1 when a request runs alone)
   * @param rows their rows (first dimension) in total
   */
  void batchRun(String model, int requests, int rows);

  /**
   * A request is refused without running.
   *
   * @param reason {@value #QUEUE_FULL} or {@value #DEADLINE}
   */
  void rejected(String model, String reason);

  /**
   * The most rows the batcher now puts in one batch, as its measurements decide (see {@link
   * DynamicBatcher}): max-batch-size when the batcher starts, then each time it changes.
   */
  void batchCap(String model, int rows);

  /** A listener that ignores everything. */
  static BatchingListener none() {
    return SilentBatchingListener.INSTANCE;
  }
}
