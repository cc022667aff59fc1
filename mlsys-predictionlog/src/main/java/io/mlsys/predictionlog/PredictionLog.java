package io.mlsys.predictionlog;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Where a server's prediction events go: a bounded buffer the request threads add to without
 * waiting, drained by one writer thread into the sinks, each sink behind its own thread and disk
 * journal. One per server (a {@link io.mlsys.core.spi.SharedResources} entry that outlives model
 * versions); the {@code prediction-log} decorator records into it.
 *
 * <h2>Durability</h2>
 *
 * An event is durable once it is written to every sink or to the journal of each sink that has not
 * taken it yet (journal segments are forced to disk). Until then it is in memory (the buffer, a
 * sink's queue) and a crash loses it. A sink that fails or falls behind gets its batches in its
 * journal, replayed in order when it takes writes again; a sink alone drops nothing while the
 * journal's disk budget lasts. Events are dropped (and counted in {@code
 * mlsys_prediction_log_dropped_total}) only when the buffer is full: when the budget is spent the
 * writer waits for the sinks and the buffer fills, and a writer thread short of CPU (callers that
 * saturate the cores) fills it too, since the request threads never wait for it.
 */
public interface PredictionLog extends AutoCloseable {

  /** Folder of the data directory that holds the sinks' journals. */
  String JOURNAL_FOLDER = "predictionlog-journal";

  /** The store owner of the prediction log's table. */
  String STORE_OWNER = "predictionlog";

  /**
   * The log {@code config} describes: JSONL files under {@code jsonl.dir}, the store's table and/or
   * a Kafka topic; journals under {@code <data-dir>/}{@value #JOURNAL_FOLDER}.
   *
   * @param store the server's store, used when {@code store.enabled}
   * @throws IllegalArgumentException when the config names no sink
   * @throws java.io.UncheckedIOException when the JSONL folder cannot be made; the store is opened
   *     at its first write, so a database that is down holds events in the journal instead
   */
  static PredictionLog open(
      PredictionLogConfig config,
      StoreConfig store,
      Path dataDir,
      Clock clock,
      MeterRegistry registry) {
    if (!config.hasSinks()) {
      throw new IllegalArgumentException(
          "prediction-log: no sink (expected: jsonl.dir, store.enabled: true, or"
              + " kafka.bootstrap-servers)");
    }
    Builder builder =
        builder(dataDir.resolve(JOURNAL_FOLDER))
            .clock(clock)
            .meterRegistry(registry)
            .enabled(config.enabled())
            .bufferCapacity(config.bufferCapacity())
            .bufferBytes(config.bufferBytes())
            .batchSize(config.batchSize())
            .journalMaxBytes(config.journalMaxBytes())
            .retryInterval(config.retryInterval());
    List<EventSink> opened = new ArrayList<>();
    try {
      if (config.jsonl().dir() != null) {
        opened.add(JsonlSink.open(config.jsonl(), clock));
      }
      if (config.store().enabled()) {
        opened.add(
            new StoreSink(
                () -> Store.open(store, dataDir, STORE_OWNER),
                config.store().maxAge(),
                config.store().subjectField()));
      }
      if (config.kafka().enabled()) {
        opened.add(new KafkaSink(config.kafka()));
      }
    } catch (RuntimeException e) {
      opened.forEach(EventSink::close);
      throw e;
    }
    opened.forEach(builder::sink);
    return builder.build();
  }

  /**
   * A log built in code, for tests and embedding.
   *
   * @param journalDir where each sink's journal lives ({@code <journalDir>/<sink name>})
   */
  static Builder builder(Path journalDir) {
    return new Builder(journalDir);
  }

  /**
   * Hands an event to the log; never blocks and never throws. When the log is switched off, or the
   * buffer is full, the event is not kept (a full buffer counts it as dropped).
   */
  void record(PredictionCall call);

  /** Whether events are being recorded. */
  boolean isEnabled();

  /** Switches recording on or off while the server runs (calls in flight may still be recorded). */
  void setEnabled(boolean enabled);

  /**
   * Waits until every event recorded before this call is written to every sink, or journaled for a
   * sink that failed; retries a failed sink's journal once now, whatever the retry interval.
   */
  void flush() throws InterruptedException;

  /**
   * Deletes a data subject's events from every sink that can (the store, by its {@code
   * subject-field}), after a {@link #flush()} so that events still buffered are included.
   *
   * @return the number of events deleted
   * @throws UnsupportedOperationException when no sink deletes by subject
   * @throws IllegalArgumentException when {@code key} is not the configured subject field
   */
  long deleteSubject(String key, String value) throws InterruptedException;

  /**
   * Stores ground truth for earlier predictions in every sink that keeps feedback (the store), at
   * once rather than through the buffer: the caller learns whether it was kept.
   *
   * @return how many were stored
   * @throws UnsupportedOperationException when no sink keeps feedback
   * @throws RuntimeException when the sink fails (nothing is journaled for feedback)
   */
  long recordFeedback(List<Feedback> feedback);

  /**
   * Reads stored events back, oldest first, from the first sink that can (the store), after a
   * {@link #flush()} so that events still buffered are included.
   *
   * @throws UnsupportedOperationException when no sink reads events back
   * @throws RuntimeException when the sink fails (such as {@code StoreException})
   */
  void readEvents(EventQuery query, Consumer<PredictionEvent> each) throws InterruptedException;

  /**
   * Reads a prediction log store's events without a running log (for {@code mlsys monitor report}
   * over the store a server wrote): opens the store's {@value #STORE_OWNER} owner, reads, closes.
   *
   * @throws io.mlsys.store.StoreException when the store cannot be opened or read
   */
  static void readStore(
      StoreConfig store, Path dataDir, EventQuery query, Consumer<PredictionEvent> each) {
    try (Store opened = Store.open(store, dataDir, STORE_OWNER)) {
      StoreSink.read(opened, query, each);
    }
  }

  /**
   * The newest {@code limit} feedback of one kind sent for a model's requests at or after {@code
   * from}, from the first sink that keeps feedback (the store): how the online analysis of an
   * experiment joins outcomes to its exposures.
   *
   * @throws UnsupportedOperationException when no sink keeps feedback
   */
  List<Feedback> readFeedback(String modelName, Feedback.Kind kind, Instant from, int limit);

  /**
   * Writes what is buffered (to the sinks, or to their journals), stops the threads and closes the
   * sinks. What a down sink did not take stays in its journal for the next start.
   */
  @Override
  void close();

  /** Builds a {@link PredictionLog}. */
  final class Builder {
    private final Path journalDir;
    private final List<EventSink> sinks = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random;
    private MeterRegistry meterRegistry;
    private boolean enabled = PredictionLogConfig.DEFAULT_ENABLED;
    private int bufferCapacity = PredictionLogConfig.DEFAULT_BUFFER_CAPACITY;
    private long bufferBytes = PredictionLogConfig.DEFAULT_BUFFER_BYTES;
    private int batchSize = PredictionLogConfig.DEFAULT_BATCH_SIZE;
    private long journalMaxBytes = PredictionLogConfig.DEFAULT_JOURNAL_MAX_BYTES;
    private Duration retryInterval = PredictionLogConfig.DEFAULT_RETRY_INTERVAL;
    private int sinkQueueCapacity;

    private Builder(Path journalDir) {
      this.journalDir = Objects.requireNonNull(journalDir, "journalDir");
    }

    /** Adds a sink (names unique); the log owns it and closes it. */
    public Builder sink(EventSink sink) {
      sinks.add(Objects.requireNonNull(sink, "sink"));
      return this;
    }

    public Builder clock(Clock newClock) {
      clock = Objects.requireNonNull(newClock, "clock");
      return this;
    }

    /** The generator of event ids; a fresh randomly seeded one by default. */
    public Builder random(RandomGenerator newRandom) {
      random = Objects.requireNonNull(newRandom, "random");
      return this;
    }

    public Builder meterRegistry(MeterRegistry newRegistry) {
      meterRegistry = Objects.requireNonNull(newRegistry, "meterRegistry");
      return this;
    }

    public Builder enabled(boolean newEnabled) {
      enabled = newEnabled;
      return this;
    }

    public Builder bufferCapacity(int newCapacity) {
      if (newCapacity < 1) {
        throw new IllegalArgumentException("bufferCapacity: " + newCapacity + " (expected: >= 1)");
      }
      bufferCapacity = newCapacity;
      return this;
    }

    /**
     * The buffer's bound in estimated bytes ({@link EventSizes}), and each sink's memory queue's:
     * beyond it a call's event is dropped (the buffer) or goes to the journal (a sink's queue).
     */
    public Builder bufferBytes(long newBytes) {
      if (newBytes < 1) {
        throw new IllegalArgumentException("bufferBytes: " + newBytes + " (expected: >= 1)");
      }
      bufferBytes = newBytes;
      return this;
    }

    public Builder batchSize(int newBatchSize) {
      if (newBatchSize < 1) {
        throw new IllegalArgumentException("batchSize: " + newBatchSize + " (expected: >= 1)");
      }
      batchSize = newBatchSize;
      return this;
    }

    public Builder journalMaxBytes(long newMaxBytes) {
      if (newMaxBytes < 0) {
        throw new IllegalArgumentException("journalMaxBytes: " + newMaxBytes + " (expected: >= 0)");
      }
      journalMaxBytes = newMaxBytes;
      return this;
    }

    public Builder retryInterval(Duration newInterval) {
      if (!newInterval.isPositive()) {
        throw new IllegalArgumentException("retryInterval: " + newInterval + " (expected: > 0)");
      }
      retryInterval = newInterval;
      return this;
    }

    /**
     * Events that may wait in memory for each sink before its batches go to its journal; 0 (the
     * default) means the buffer's capacity.
     */
    public Builder sinkQueueCapacity(int newCapacity) {
      if (newCapacity < 0) {
        throw new IllegalArgumentException(
            "sinkQueueCapacity: " + newCapacity + " (expected: >= 0)");
      }
      sinkQueueCapacity = newCapacity;
      return this;
    }

    /** Opens the journals and starts the threads. */
    public PredictionLog build() {
      if (sinks.isEmpty()) {
        throw new IllegalStateException("prediction log: no sink");
      }
      if (sinks.stream().map(EventSink::name).distinct().count() != sinks.size()) {
        throw new IllegalStateException(
            "prediction log: two sinks share a name: "
                + sinks.stream().map(EventSink::name).toList());
      }
      return BufferedPredictionLog.start(
          List.copyOf(sinks),
          journalDir,
          clock,
          random != null ? random : RandomGeneratorFactory.of("L64X128MixRandom").create(),
          meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(),
          enabled,
          bufferCapacity,
          bufferBytes,
          batchSize,
          journalMaxBytes,
          retryInterval,
          sinkQueueCapacity == 0 ? bufferCapacity : sinkQueueCapacity);
    }
  }
}
