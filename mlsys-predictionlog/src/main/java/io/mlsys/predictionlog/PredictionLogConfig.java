package io.mlsys.predictionlog;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import java.time.Duration;
import java.util.Objects;

/**
 * The server's prediction log ({@code prediction-log:} in mlsys.yaml): where events go and how they
 * are buffered. When a sink is configured, every model gets the {@code prediction-log} decorator
 * with {@link #model()} as its options, unless it lists that decorator itself.
 *
 * @param enabled whether events are recorded when the server starts (the switch can be flipped
 *     while it runs, without a restart)
 * @param jsonl the JSONL files
 * @param store the store's table
 * @param kafka the Kafka topic
 * @param bufferCapacity events held in memory between the request threads and the writer, >= 1; a
 *     call whose event finds the buffer full is served and its event dropped (counted)
 * @param bufferBytes the same bound in estimated bytes (the events' tensors), >= 1; also the bound
 *     of each sink's queue in memory, beyond which its batches go to the journal
 * @param batchSize the most events written to a sink at once, >= 1
 * @param journalMaxBytes the disk budget of the journal that holds events a sink could not take
 *     yet, shared by every sink, >= 0 (0: no journal; events wait in memory)
 * @param retryInterval how long a sink that failed is left alone before the journal is replayed to
 *     it (> 0)
 * @param model the options of every model's decorator (sample rate, field policies, redaction,
 *     headers), written at this level: {@code prediction-log: {sample-rate: 0.5, inputs: hashed}}
 */
public record PredictionLogConfig(
    boolean enabled,
    JsonlSinkConfig jsonl,
    StoreSinkConfig store,
    KafkaSinkConfig kafka,
    int bufferCapacity,
    long bufferBytes,
    int batchSize,
    long journalMaxBytes,
    Duration retryInterval,
    @ConfigInline PredictionLogOptions model) {

  public static final boolean DEFAULT_ENABLED = true;
  public static final int DEFAULT_BUFFER_CAPACITY = 10_000;
  public static final long DEFAULT_BUFFER_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_BATCH_SIZE = 256;
  public static final long DEFAULT_JOURNAL_MAX_BYTES = 1024L * 1024 * 1024;
  public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofSeconds(1);

  /**
   * @throws ConfigException listing every invalid field
   */
  public PredictionLogConfig {
    jsonl = Objects.requireNonNullElseGet(jsonl, JsonlSinkConfig::defaults);
    store = Objects.requireNonNullElseGet(store, StoreSinkConfig::defaults);
    kafka = Objects.requireNonNullElseGet(kafka, KafkaSinkConfig::defaults);
    retryInterval = Objects.requireNonNullElse(retryInterval, DEFAULT_RETRY_INTERVAL);
    model = Objects.requireNonNullElseGet(model, PredictionLogOptions::defaults);
    Violations violations = new Violations();
    violations.check(bufferCapacity >= 1, "buffer-capacity", bufferCapacity, "an integer >= 1");
    violations.check(bufferBytes >= 1, "buffer-bytes", bufferBytes, "an integer >= 1");
    violations.check(batchSize >= 1, "batch-size", batchSize, "an integer >= 1");
    violations.check(journalMaxBytes >= 0, "journal-max-bytes", journalMaxBytes, "an integer >= 0");
    violations.check(
        retryInterval.isPositive(), "retry-interval", retryInterval, "a positive duration");
    violations.throwIfAny(null);
  }

  /**
   * No sink: the log is off until {@code jsonl.dir}, {@code store.enabled} or {@code
   * kafka.bootstrap-servers} is set.
   */
  @ConfigDefaults
  public static PredictionLogConfig defaults() {
    return new PredictionLogConfig(
        DEFAULT_ENABLED,
        JsonlSinkConfig.defaults(),
        StoreSinkConfig.defaults(),
        KafkaSinkConfig.defaults(),
        DEFAULT_BUFFER_CAPACITY,
        DEFAULT_BUFFER_BYTES,
        DEFAULT_BATCH_SIZE,
        DEFAULT_JOURNAL_MAX_BYTES,
        DEFAULT_RETRY_INTERVAL,
        PredictionLogOptions.defaults());
  }

  /** Whether any sink is configured, so that the server keeps a log at all. */
  public boolean hasSinks() {
    return jsonl.dir() != null || store.enabled() || kafka.enabled();
  }

  public PredictionLogConfig withEnabled(boolean newEnabled) {
    return new PredictionLogConfig(
        newEnabled,
        jsonl,
        store,
        kafka,
        bufferCapacity,
        bufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withJsonl(JsonlSinkConfig newJsonl) {
    return new PredictionLogConfig(
        enabled,
        newJsonl,
        store,
        kafka,
        bufferCapacity,
        bufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withStore(StoreSinkConfig newStore) {
    return new PredictionLogConfig(
        enabled,
        jsonl,
        newStore,
        kafka,
        bufferCapacity,
        bufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withBuffering(
      int newBufferCapacity, int newBatchSize, long newJournalMaxBytes) {
    return new PredictionLogConfig(
        enabled,
        jsonl,
        store,
        kafka,
        newBufferCapacity,
        bufferBytes,
        newBatchSize,
        newJournalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withBufferBytes(long newBufferBytes) {
    return new PredictionLogConfig(
        enabled,
        jsonl,
        store,
        kafka,
        bufferCapacity,
        newBufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withKafka(KafkaSinkConfig newKafka) {
    return new PredictionLogConfig(
        enabled,
        jsonl,
        store,
        newKafka,
        bufferCapacity,
        bufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        model);
  }

  public PredictionLogConfig withModel(PredictionLogOptions newModel) {
    return new PredictionLogConfig(
        enabled,
        jsonl,
        store,
        kafka,
        bufferCapacity,
        bufferBytes,
        batchSize,
        journalMaxBytes,
        retryInterval,
        newModel);
  }
}
