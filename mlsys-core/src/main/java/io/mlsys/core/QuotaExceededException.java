package io.mlsys.core;

import java.time.Duration;

/**
 * The caller used up its own quota (a rate or concurrency limit per caller); it may retry after the
 * delay. Transports answer it as HTTP 429 and gRPC RESOURCE_EXHAUSTED. When the server as a whole
 * is overloaded it is {@link CapacityExceededException} instead.
 */
public final class QuotaExceededException extends MlsysException {
  private final String quota;
  private final Duration retryAfter;

  /**
   * @param quota names the quota, e.g. {@code "user 'ci': 100 requests per minute"}
   * @param retryAfter when the caller may retry
   */
  public QuotaExceededException(String quota, Duration retryAfter) {
    super("quota exceeded: " + quota + " (retry after " + retryAfter.toMillis() + " ms)");
    this.quota = quota;
    this.retryAfter = retryAfter;
  }

  public String quota() {
    return quota;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
