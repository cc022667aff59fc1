package io.mlsys.queue;

import java.util.Locale;

/** Where a job is in its life; a job leaves a non-final state exactly once. */
public enum JobState {
  /** Waiting for a worker (new, or between attempts). */
  QUEUED,
  /** A worker is running it (or died while running it, until its lease ends). */
  RUNNING,
  /** Finished with a result. */
  SUCCEEDED,
  /** Finished without one: its attempts ran out or the failure cannot pass (the dead letters). */
  FAILED,
  /** Cancelled by a client before it finished. */
  CANCELLED,
  /** Waited longer than {@code jobs.expire-after} without running. */
  EXPIRED;

  /** The name in JSON, the store and the API: lower case. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the job is done (no worker will change it again). */
  public boolean isFinal() {
    return this != QUEUED && this != RUNNING;
  }

  /**
   * @throws IllegalArgumentException naming the states when {@code text} is none of them
   */
  public static JobState parse(String text) {
    for (JobState state : values()) {
      if (state.wireName().equals(text)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "'" + text + "' (expected one of: queued, running, succeeded, failed, cancelled, expired)");
  }
}
