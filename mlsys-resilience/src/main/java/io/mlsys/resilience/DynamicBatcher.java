package io.mlsys.resilience;

import io.mlsys.config.BatchingConfig;
import io.mlsys.core.Predictor;
import java.time.Clock;

/**
 * Dynamic batching of one model, as in Triton's {@code dynamic_batching}: a decorator that queues
 * requests, concatenates those of compatible shape along the first (batch) dimension, calls the
 * model once and gives each caller exactly its own rows.
 *
 * <h2>Compatible requests</h2>
 *
 * <p>Two requests share a batch when their inputs have the same names in the same order, the same
 * datatypes, the same tensor parameters and the same shape except the first dimension; when every
 * input of a request has the same first dimension (its rows); and when they ask for the same
 * outputs with the same request parameters. Every datatype concatenates, BYTES included. A request
 * that has no inputs, a scalar input, inputs with different first dimensions, or more rows than
 * max-batch-size runs alone, unchanged. A batch never holds more than max-batch-size rows.
 *
 * <h2>When a batch starts</h2>
 *
 * <p>A request that finds the model idle (nothing queued, a free slot) and has nothing to wait for
 * (max-queue-delay-micros 0, or it runs alone) runs at once on its caller's thread, with no
 * hand-off. With max-queue-delay-micros 0 the dispatcher takes whatever is queued when a slot is
 * free and never waits for more. With a delay, a group of compatible requests waits until it holds
 * the largest preferred batch size (max-batch-size when none are set) or its oldest request has
 * waited the delay, whichever comes first. When preferred batch sizes are set, a batch whose rows
 * are not one of them is cut, at a request boundary, to the largest preferred size it can fill (as
 * Triton does); the rest waits for the next batch. At most max-concurrent-batches batches run at
 * once (0: one per available processor); one dispatcher thread per batcher forms them and starts
 * each on a new virtual thread, and callers block on their own result.
 *
 * <h2>Rejections</h2>
 *
 * <ul>
 *   <li>Queue full (max-queue-size requests waiting): {@link
 *       io.mlsys.core.CapacityExceededException} at once, retry-after estimated from the recent run
 *       time of a batch.
 *   <li>Deadline: a request whose {@link io.mlsys.core.CallContext} deadline has passed, or would
 *       pass before a batch could finish ({@code now + estimate > deadline}, where the estimate is
 *       a moving average of recent run times, 0 before the first run), fails with {@link
 *       io.mlsys.core.DeadlineExceededException} instead of running: when it arrives, when its
 *       batch is formed, and when its caller's time runs out while it waits.
 *   <li>After {@link #close()}: {@link io.mlsys.core.ModelNotReadyException}.
 * </ul>
 *
 * Each rejection is reported to {@link BatchingListener#rejected}.
 *
 * <h2>Failures and splitting</h2>
 *
 * <p>When the batched call fails, every request in it fails with that same exception; except an
 * {@link io.mlsys.core.InvalidInputException} from a batch of several requests, which may be one
 * request's fault: then each request is run alone and gets its own answer or error. The batched
 * call runs with a context that carries the latest deadline of its requests (none if one has none),
 * no headers and the first request's trace id; a request that runs alone gets its own context.
 * Every output of a batched answer must have the batch's rows as its first dimension so it can be
 * split; when one does not, the requests of that batch are run one by one and the batcher stops
 * batching for good (every later request runs alone), since the model's outputs are not per row.
 * Each caller's answer carries its own request id.
 */
public interface DynamicBatcher extends Predictor, AutoCloseable {

  /**
   * Starts a batcher (and its dispatcher thread) in front of {@code delegate}.
   *
   * @param modelName names the model in errors and listener calls
   * @param clock measures queue and run times and is the batched call's clock
   */
  static DynamicBatcher wrap(
      String modelName,
      Predictor delegate,
      BatchingConfig config,
      Clock clock,
      BatchingListener listener) {
    return QueueingDynamicBatcher.start(
        modelName, delegate, config, clock, listener, DispatcherWait.system());
  }

  /** How many requests wait in the queue now (not counting those running). */
  int queueDepth();

  /**
   * Stops accepting requests, runs every queued one, waits for the batches that are running and
   * stops the dispatcher. Does not close the delegate. Idempotent; must not be called from the
   * delegate.
   */
  @Override
  void close();
}
