package io.mlsys.core;

/** The request's deadline passed before the answer was ready. */
public final class DeadlineExceededException extends MlsysException {
  private final String where;

  public DeadlineExceededException(String where) {
    super("deadline exceeded at " + where);
    this.where = where;
  }

  /** Which step noticed, e.g. a model or graph node path. */
  public String where() {
    return where;
  }
}
