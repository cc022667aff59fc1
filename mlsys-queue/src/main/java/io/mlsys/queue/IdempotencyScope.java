package io.mlsys.queue;

/** Whose submissions share {@code Idempotency-Key} values ({@code jobs.idempotency.scope}). */
public enum IdempotencyScope {
  /**
   * A key names one job per caller (the authenticated user, else the anonymous caller) and model.
   */
  CALLER_AND_MODEL,
  /** A key names one job per model, whoever submits it. */
  MODEL
}
