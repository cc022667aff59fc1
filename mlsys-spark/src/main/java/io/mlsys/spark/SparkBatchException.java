package io.mlsys.spark;

/**
 * A Spark batch job cannot run or stopped: rows that do not fit the model, a model whose signature
 * rows cannot fill, outputs that changed during the job. The message says what and where.
 */
public final class SparkBatchException extends RuntimeException {
  public SparkBatchException(String message) {
    super(message);
  }

  public SparkBatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
