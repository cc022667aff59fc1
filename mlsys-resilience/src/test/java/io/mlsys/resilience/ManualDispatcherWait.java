package io.mlsys.resilience;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A dispatcher wait driven by the test instead of real time: the dispatcher parks until it is
 * unparked (a new request, a finished batch, or {@link #wake}), and every wait for a group that is
 * not due yet is reported, so a test knows its request is queued.
 */
final class ManualDispatcherWait implements DispatcherWait {
  private final BlockingQueue<Long> timedWaits = new LinkedBlockingQueue<>();
  private volatile Thread dispatcher;

  @Override
  public void park(long nanos) {
    dispatcher = Thread.currentThread();
    if (nanos != FOREVER) {
      timedWaits.add(nanos);
    }
    LockSupport.park(this);
  }

  /**
   * Blocks until the dispatcher waits for a queued group; returns the nanoseconds it would wait.
   */
  long awaitTimedWait() throws InterruptedException {
    return timedWaits.take();
  }

  /** Wakes the dispatcher, as the end of its timed wait would. */
  void wake() {
    LockSupport.unpark(dispatcher);
  }
}
