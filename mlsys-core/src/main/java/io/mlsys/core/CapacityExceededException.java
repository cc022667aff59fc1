package io.mlsys.core;

import java.time.Duration;

/**
 * The server or a model is overloaded: a bounded resource (queue, in-flight limit, memory budget, a
 * remote's capacity) is full and the caller may retry later. Transports answer it as unavailable
 * (HTTP 503, gRPC UNAVAILABLE) with the retry delay; a caller over its own quota gets {@link
 * QuotaExceededException} instead.
 */
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
