package io.mlsys.batch;

/** What a run does when the model fails on a batch of rows. */
public enum FailurePolicy {
  /** Tries the whole batch again (up to the retry limit), then fails the run. */
  RETRY,
  /**
   * Predicts the batch's rows one by one; the rows that still fail go to the reject file with their
   * error, and the run goes on.
   */
  ROWS,
  /** Fails the run at the first failure. */
  NONE;

  /** The name config and flags use: {@code retry}, {@code rows}, {@code none}. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
