package io.mlsys.batch;

import java.time.Duration;

/**
 * What a run did.
 *
 * @param rows input rows handled in all (this run and the runs it resumed)
 * @param predicted rows written to the output
 * @param rejected rows written to the reject file (unreadable, or failed under {@code rows})
 * @param resumedAt rows already done by an earlier run when this one started; 0 for a fresh run
 * @param elapsed this run's time
 */
public record BatchReport(
    long rows, long predicted, long rejected, long resumedAt, Duration elapsed) {

  /** Rows this run handled per second. */
  public double rowsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? 0 : (rows - resumedAt) / seconds;
  }
}
