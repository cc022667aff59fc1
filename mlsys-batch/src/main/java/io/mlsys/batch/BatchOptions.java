package io.mlsys.batch;

import java.util.Objects;

/**
 * How a batch run reads, predicts and checkpoints.
 *
 * @param chunkRows rows written per chunk (each followed by a checkpoint), >= 1
 * @param batchRows rows per model call, >= 1 and at most {@code chunkRows}
 * @param failures what a failed model call does
 * @param retries how often a failed batch is tried again under {@link FailurePolicy#RETRY} (and
 *     before rows are tried one by one under {@link FailurePolicy#ROWS}), >= 0
 * @param header whether the input's first line is a header: null means decide from the line (a
 *     header when a field that must be numeric is not)
 */
public record BatchOptions(
    int chunkRows, int batchRows, FailurePolicy failures, int retries, Boolean header) {
  public static final int DEFAULT_CHUNK_ROWS = 10_000;
  public static final int DEFAULT_BATCH_ROWS = 256;
  public static final int DEFAULT_RETRIES = 2;

  /**
   * @throws IllegalArgumentException naming the first invalid field
   */
  public BatchOptions {
    Objects.requireNonNull(failures, "failures");
    if (chunkRows < 1) {
      throw new IllegalArgumentException("chunk-rows: " + chunkRows + " (expected: >= 1)");
    }
    if (batchRows < 1 || batchRows > chunkRows) {
      throw new IllegalArgumentException(
          "batch-rows: " + batchRows + " (expected: between 1 and chunk-rows, " + chunkRows + ")");
    }
    if (retries < 0) {
      throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
    }
  }

  public static BatchOptions defaults() {
    return new BatchOptions(
        DEFAULT_CHUNK_ROWS, DEFAULT_BATCH_ROWS, FailurePolicy.RETRY, DEFAULT_RETRIES, null);
  }

  public BatchOptions withChunkRows(int newChunkRows) {
    return new BatchOptions(
        newChunkRows, Math.min(batchRows, newChunkRows), failures, retries, header);
  }

  public BatchOptions withBatchRows(int newBatchRows) {
    return new BatchOptions(chunkRows, newBatchRows, failures, retries, header);
  }

  public BatchOptions withFailures(FailurePolicy newFailures) {
    return new BatchOptions(chunkRows, batchRows, newFailures, retries, header);
  }

  public BatchOptions withHeader(Boolean newHeader) {
    return new BatchOptions(chunkRows, batchRows, failures, retries, newHeader);
  }
}
