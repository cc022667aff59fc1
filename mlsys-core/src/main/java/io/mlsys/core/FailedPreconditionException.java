package io.mlsys.core;

/**
 * The request is well formed but the state of what it changes forbids it (HTTP 409, gRPC
 * FAILED_PRECONDITION, MLflow {@code INVALID_STATE}): deleting a version an alias points to or a
 * server serves, moving an alias that requires an approval nobody gave, promoting a version whose
 * metrics fail the promotion rule.
 */
public final class FailedPreconditionException extends MlsysException {

  /**
   * @param message what forbids it and what would allow it
   */
  public FailedPreconditionException(String message) {
    super(message);
  }
}
