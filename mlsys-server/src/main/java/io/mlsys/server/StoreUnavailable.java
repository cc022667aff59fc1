package io.mlsys.server;

import io.mlsys.core.DependencyUnavailableException;
import io.mlsys.store.StoreException;
import java.time.Duration;

/**
 * The server's store failing under a request (its database down, a statement that failed) is not a
 * bug of the request: both transports answer it as unavailable (HTTP 503 with Retry-After, gRPC
 * UNAVAILABLE) with the store's own message, which names the store and what failed (never a
 * credential), instead of an internal error. {@link StoreException} stays outside core's hierarchy
 * (the store module does not depend on it); this is where the transports translate it.
 */
final class StoreUnavailable {
  /** When a client may try again: a restarted database is usually back within seconds. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);

  private StoreUnavailable() {}

  /**
   * The failure as {@link DependencyUnavailableException} when a {@link StoreException} caused it
   * (anywhere in its cause chain); null otherwise.
   */
  static DependencyUnavailableException of(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof StoreException store) {
        return new DependencyUnavailableException(
            "the server's store", store.getMessage(), RETRY_AFTER, failure);
      }
    }
    return null;
  }
}
