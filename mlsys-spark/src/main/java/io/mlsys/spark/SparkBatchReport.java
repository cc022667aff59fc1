package io.mlsys.spark;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link SparkBatchJob} did. The counts are the tasks' (a task Spark ran twice, a retry or a
 * speculative copy, counts twice, while its rows are written once).
 *
 * @param rows rows predicted and written to the sink
 * @param rejected rows written to the reject output: not readable as the model's inputs, or (under
 *     {@code failed-rows}) failed by the model alone
 * @param elapsed from reading to the last part file written
 */
public record SparkBatchReport(long rows, long rejected, Duration elapsed) {
  public SparkBatchReport {
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** Rows (predicted and rejected) per second over the whole job. */
  public double rowsPerSecond() {
    long millis = Math.max(1, elapsed.toMillis());
    return (rows + rejected) * 1000.0 / millis;
  }
}
