package io.mlsys.resilience;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.util.List;

/**
 * Dynamic batching of one model, as in Triton's {@code dynamic_batching}: requests of compatible
 * shape that wait together are concatenated along the first (batch) dimension, run once and split
 * back. The options of the {@code batching} decorator ({@code decorators: [{batching: {...}}]}); a
 * model's {@code batching:} key (in mlsys.yaml or a repository model's config.yaml) is shorthand
 * for that decorator as the innermost one.
 *
 * @param maxBatchSize the most rows one run may hold, 1 to {@value #MAX_BATCH_SIZE_LIMIT}
 * @param preferredBatchSizes batch sizes worth waiting for (each from 1 to maxBatchSize, distinct);
 *     empty means only maxBatchSize
 * @param maxQueueDelayMicros how long the first waiting request may wait for others, >= 0; 0 never
 *     waits when the model is idle
 * @param maxQueueSize how many requests may wait, >= 1; one more is rejected with 503 (gRPC
 *     UNAVAILABLE)
 * @param maxConcurrentBatches how many batches may run at once (Triton's instance count), >= 0; 0
 *     means the number of available processors
 */
public record BatchingConfig(
    int maxBatchSize,
    List<Integer> preferredBatchSizes,
    long maxQueueDelayMicros,
    int maxQueueSize,
    int maxConcurrentBatches)
    implements DecoratorOptions {

  public static final int DEFAULT_MAX_BATCH_SIZE = 32;
  public static final long DEFAULT_MAX_QUEUE_DELAY_MICROS = 0;
  public static final int DEFAULT_MAX_QUEUE_SIZE = 1024;
  public static final int DEFAULT_MAX_CONCURRENT_BATCHES = 0;
  public static final int MAX_BATCH_SIZE_LIMIT = 65536;

  static final String EXPECTED_MAX_BATCH_SIZE = "an integer from 1 to " + MAX_BATCH_SIZE_LIMIT;
  static final String EXPECTED_PREFERRED =
      "distinct integers from 1 to max-batch-size, such as [4, 8]";
  static final String EXPECTED_DELAY = "an integer >= 0 (microseconds)";
  static final String EXPECTED_QUEUE_SIZE = "an integer >= 1";
  static final String EXPECTED_CONCURRENT = "an integer >= 0 (0: one per available processor)";

  /**
   * @throws ConfigException listing every invalid field
   */
  public BatchingConfig {
    preferredBatchSizes =
        preferredBatchSizes == null ? List.of() : List.copyOf(preferredBatchSizes);
    Violations violations = new Violations();
    violations.check(
        maxBatchSize >= 1 && maxBatchSize <= MAX_BATCH_SIZE_LIMIT,
        "max-batch-size",
        maxBatchSize,
        EXPECTED_MAX_BATCH_SIZE);
    boolean preferredValid =
        preferredBatchSizes.stream().allMatch(size -> size >= 1 && size <= maxBatchSize)
            && preferredBatchSizes.stream().distinct().count() == preferredBatchSizes.size();
    violations.check(
        preferredValid, "preferred-batch-sizes", preferredBatchSizes, EXPECTED_PREFERRED);
    violations.check(
        maxQueueDelayMicros >= 0, "max-queue-delay-micros", maxQueueDelayMicros, EXPECTED_DELAY);
    violations.check(maxQueueSize >= 1, "max-queue-size", maxQueueSize, EXPECTED_QUEUE_SIZE);
    violations.check(
        maxConcurrentBatches >= 0,
        "max-concurrent-batches",
        maxConcurrentBatches,
        EXPECTED_CONCURRENT);
    violations.throwIfAny(null);
  }

  /** Every default: up to {@value #DEFAULT_MAX_BATCH_SIZE} rows, no waiting when idle. */
  @ConfigDefaults
  public static BatchingConfig defaults() {
    return new BatchingConfig(
        DEFAULT_MAX_BATCH_SIZE,
        List.of(),
        DEFAULT_MAX_QUEUE_DELAY_MICROS,
        DEFAULT_MAX_QUEUE_SIZE,
        DEFAULT_MAX_CONCURRENT_BATCHES);
  }

  public BatchingConfig withMaxBatchSize(int newMaxBatchSize) {
    return new BatchingConfig(
        newMaxBatchSize,
        preferredBatchSizes,
        maxQueueDelayMicros,
        maxQueueSize,
        maxConcurrentBatches);
  }

  public BatchingConfig withPreferredBatchSizes(List<Integer> newPreferredBatchSizes) {
    return new BatchingConfig(
        maxBatchSize,
        newPreferredBatchSizes,
        maxQueueDelayMicros,
        maxQueueSize,
        maxConcurrentBatches);
  }

  public BatchingConfig withMaxQueueDelayMicros(long newMaxQueueDelayMicros) {
    return new BatchingConfig(
        maxBatchSize,
        preferredBatchSizes,
        newMaxQueueDelayMicros,
        maxQueueSize,
        maxConcurrentBatches);
  }

  public BatchingConfig withMaxQueueSize(int newMaxQueueSize) {
    return new BatchingConfig(
        maxBatchSize,
        preferredBatchSizes,
        maxQueueDelayMicros,
        newMaxQueueSize,
        maxConcurrentBatches);
  }

  public BatchingConfig withMaxConcurrentBatches(int newMaxConcurrentBatches) {
    return new BatchingConfig(
        maxBatchSize,
        preferredBatchSizes,
        maxQueueDelayMicros,
        maxQueueSize,
        newMaxConcurrentBatches);
  }
}
