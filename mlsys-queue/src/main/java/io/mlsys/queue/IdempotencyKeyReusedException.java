package io.mlsys.queue;

/**
 * An {@code Idempotency-Key} already names a job whose request differs from this one. Not a core
 * error kind: only the jobs endpoint meets it, and answers 422.
 */
public final class IdempotencyKeyReusedException extends RuntimeException {
  private final String jobId;

  public IdempotencyKeyReusedException(String key, String jobId) {
    super(
        "Idempotency-Key '"
            + key
            + "' already names job "
            + jobId
            + " with a different request (expected: the same request, or a new key)");
    this.jobId = jobId;
  }

  /** The job the key names. */
  public String jobId() {
    return jobId;
  }
}
