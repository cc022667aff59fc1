package io.mlsys.resilience;

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
 * max-batch-size runs alone, unchanged. A batch never holds more than max-batch-size rows, nor more
 * than the adaptive cap below.
 *
 * <h2>How many rows a batch holds</h2>
 *
 * <p>Batching pays only when a model runs a batch in less time than its rows one by one, and that
 * depends on the model and the machine: the iris SVC runs 64 rows in about the time of five single
 * rows, while on 2 cores the PP-OCRv4 recognizer costs more per row in any batch than alone (see
 * bench/README.md). So the batcher measures it. Each batch's run time divided by its rows feeds an
 * average per size bucket (1, 2, 4, 8, ... up to max-batch-size; a bucket holds the batches larger
 * than the bucket below and up to its own size), and batches are capped at the size of the bucket
 * with the lowest cost per row (max-batch-size until a batch has run). Other sizes are tried now
 * and then so the cap follows the model: the next larger size as soon as it has never run, and it
 * or any smaller size that has run once 16 runs have passed since it last ran; each try that loses
 * doubles that wait, up to 256 runs, so once the cap has settled trying costs little. With a cap of
 * 1 every request runs alone (on its caller's thread when the model is idle), at most
 * max-concurrent-batches at once, which is all a CPU-bound model can use anyway. Each batcher keeps
 * its own averages, in memory, from its start.
 *
 * <h2>When a batch starts</h2>
 *
 * <p>A request that finds the model idle (nothing queued, a free slot) and has nothing to wait for
 * (max-queue-delay-micros 0, or it runs alone) runs at once on its caller's thread, with no
 * hand-off. With max-queue-delay-micros 0 the dispatcher takes whatever is queued when a slot is
 * free and never waits for more. With a delay, a group of compatible requests waits until it holds
 * the largest preferred batch size (max-batch-size when none are set; never more than the next
 * batch may take, so a capped batcher does not wait for rows it would leave behind) or its oldest
 * request has waited the delay, whichever comes first. When preferred batch sizes are set, a batch
 * whose rows are not one of them is cut, at a request boundary, to the largest preferred size it
 * can fill (as Triton does); the rest waits for the next batch. At most max-concurrent-batches
 * batches run at once (0: one per available processor); one dispatcher thread per batcher forms
 * them and starts each on a new virtual thread, and callers block on their own result.
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
 * no headers, no attributes and the first request's trace id; a request that runs alone gets its
 * own context. Every output of a batched answer must have the batch's rows as its first dimension
 * so it can be split; when one does not, the requests of that batch are run one by one and the
 * batcher stops batching for good (every later request runs alone), since the model's outputs are
 * not per row. Each caller's answer carries its own request id.
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
