package io.mlsys.spark;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SparkBatchJob} did.
 *
 * @param rows rows predicted and written (counted by the tasks; a task Spark ran twice, a retry or
 *     a speculative copy, counts twice, while its rows are written once)
 * @param elapsed from reading to the last part file written
 */
public record SparkBatchReport(long rows, Duration elapsed) {
  public SparkBatchReport {
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Rows per second over the whole job. */
  public double rowsPerSecond() {
    long millis = Math.max(1, elapsed.toMillis());
    return rows * 1000.0 / millis;
  }
}
