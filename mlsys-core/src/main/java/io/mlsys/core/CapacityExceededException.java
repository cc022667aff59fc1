package io.mlsys.core;

import java.time.Duration;

/** A bounded resource (queue, concurrency limit, rate) is full; the caller may retry later. */
public final class CapacityExceededException extends MlsysException {
  private final String resource;
  private final Duration retryAfter;

  public CapacityExceededException(String resource, Duration retryAfter) {
    super(resource + " is at capacity (retry after " + retryAfter.toMillis() + " ms)");
    this.resource = resource;
    this.retryAfter = retryAfter;
  }

  public String resource() {
    return resource;
  }

  public Duration retryAfter() {
    return retryAfter;
  }
}
