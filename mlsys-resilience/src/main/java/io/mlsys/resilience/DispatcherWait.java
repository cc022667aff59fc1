package io.mlsys.resilience;

import java.util.concurrent.locks.LockSupport;

/**
 * How the dispatcher waits for the next due batch. Tests substitute one that waits for the test
 * instead of for real time, so a delay measured by a manual clock can be driven by hand.
 */
interface DispatcherWait {

  /** Passed to {@link #park} when nothing is due: wait until woken. */
  long FOREVER = Long.MAX_VALUE;

  /**
   * Parks the calling (dispatcher) thread for up to {@code nanos} or until it is unparked with
   * {@link LockSupport#unpark}; may return early for no reason.
   */
  void park(long nanos);

  /** The real wait. */
  static DispatcherWait system() {
    return nanos -> {
      if (nanos == FOREVER) {
        LockSupport.park();
      } else {
        LockSupport.parkNanos(nanos);
      }
    };
  }
}
