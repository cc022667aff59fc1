package io.mlsys.batch;

/** A batch run that cannot go on: bad input or options, a changed input, a failing model. */
public final class BatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BatchException(String message) {
    super(message);
  }

  public BatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
