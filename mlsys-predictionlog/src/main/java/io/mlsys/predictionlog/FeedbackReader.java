package io.mlsys.predictionlog;

import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Reads the feedback the store keeps, without a prediction log (no journal, no threads): for tools
 * such as {@code mlsys experiment report} that run beside a server.
 */
public final class FeedbackReader implements AutoCloseable {
  private final StoreSink sink;

  private FeedbackReader(StoreSink sink) {
    this.sink = sink;
  }

  /**
   * The feedback of the {@value PredictionLog#STORE_OWNER} owner of a store, opened at first use.
   */
  public static FeedbackReader open(StoreConfig store, Path dataDir) {
    return new FeedbackReader(
        new StoreSink(
            () -> Store.open(store, dataDir, PredictionLog.STORE_OWNER), Duration.ofDays(1), null));
  }

  /** See {@link PredictionLog#readFeedback}. */
  public List<Feedback> read(String modelName, Feedback.Kind kind, Instant from, int limit) {
    return sink.readFeedback(modelName, kind, from, limit);
  }

  @Override
  public void close() {
    sink.close();
  }
}
