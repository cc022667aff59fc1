package io.mlsys.client;

import java.time.Duration;

/** How the client pauses before a retry; tests pass one that records instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  /** Pauses the calling (virtual) thread for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;

  /** The real pause: {@link Thread#sleep(Duration)}. */
  static Sleeper system() {
    return Thread::sleep;
  }
}
