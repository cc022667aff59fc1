package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;

/**
 * What a job does when the model fails on a batch ({@code failure-policy:} of a job file).
 *
 * @param retry {@code all}: the whole batch again, then stop (the same command resumes); {@code
 *     failed-rows}: its rows one by one, the ones that still fail go to the reject sink with their
 *     error; {@code none}: stop at once. Default {@code all}
 * @param attempts calls of a batch in all (the first included), >= 1; default 3
 */
public record FailureSpec(Retry retry, Integer attempts) {
  /** Which rows are tried again. */
  public enum Retry {
    /** The whole batch. */
    ALL,
    /** Each row of the batch alone; the failing ones are rejected. */
    FAILED_ROWS,
    /** None. */
    NONE
  }

  /**
   * @throws ConfigException naming an invalid field
   */
  public FailureSpec {
    retry = retry == null ? Retry.ALL : retry;
    attempts = attempts == null ? BatchOptions.DEFAULT_RETRIES + 1 : attempts;
    Violations violations = new Violations();
    violations.check(attempts >= 1, "attempts", attempts, ">= 1 (the first call included)");
    violations.throwIfAny(null);
  }

  FailurePolicy policy() {
    return switch (retry) {
      case ALL -> FailurePolicy.RETRY;
      case FAILED_ROWS -> FailurePolicy.ROWS;
      case NONE -> FailurePolicy.NONE;
    };
  }
}
