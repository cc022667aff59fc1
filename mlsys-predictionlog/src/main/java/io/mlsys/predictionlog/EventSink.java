package io.mlsys.predictionlog;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where prediction events end up: a JSONL file set, the store, or any other destination. A {@link
 * PredictionLog} calls one sink from one thread at a time, in order; a sink that throws is treated
 * as down (the batch goes to the disk journal and is written again later), so {@link #write} must
 * be safe to repeat: a batch may arrive again after a failure in the middle of it, and a sink that
 * can drop copies by {@link PredictionEvent#eventId()} should.
 */
public interface EventSink extends AutoCloseable {

  /** A short name for metrics and journal folders ({@code jsonl}, {@code store}). */
  String name();

  /**
   * Writes a batch of events, oldest first. Returning means the events are written: the log counts
   * them as delivered to this sink.
   *
   * @throws Exception when the sink cannot take them now (the batch is kept and retried)
   */
  void write(List<PredictionEvent> batch) throws Exception;

  /**
   * Housekeeping such as deleting events past retention; called now and then from the sink's
   * thread, between writes.
   */
  default void maintain(Instant now) throws Exception {}

  /**
   * Deletes every event whose subject field ({@code key}) has this value, for a data subject's
   * request to be forgotten.
   *
   * @return how many events were deleted; -1 when this sink cannot delete by subject
   * @throws IllegalArgumentException when {@code key} is not the field this sink keys subjects by
   */
  default long deleteSubject(String key, String value) {
    return -1;
  }

  /**
   * Stores ground truth for earlier predictions, replacing feedback of the same kind for the same
   * request; synchronous (the caller is told whether it was kept).
   *
   * @return how many were stored; -1 when this sink does not keep feedback
   * @throws Exception when the sink cannot take them now
   */
  default long writeFeedback(List<Feedback> feedback) throws Exception {
    return -1;
  }

  /**
   * Reads stored events back, oldest first, into {@code each}; for sinks that can be queried (the
   * store).
   *
   * @return false when this sink cannot read events back (nothing was read)
   * @throws Exception when the sink cannot be read now
   */
  default boolean readEvents(EventQuery query, Consumer<PredictionEvent> each) throws Exception {
    return false;
  }

  /**
   * The newest {@code limit} feedback of one kind for a model's requests, received at or after
   * {@code from}.
   *
   * @return null when this sink does not keep feedback
   */
  default List<Feedback> readFeedback(
      String modelName, Feedback.Kind kind, java.time.Instant from, int limit) {
    return null;
  }

  @Override
  void close();
}
