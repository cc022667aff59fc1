package io.mlsys.resilience;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link AdmissionControl#bounded}: a count and a byte sum under one lock, and a queue of waiters
 * in arrival order. A closing permit hands its share to the first waiters that now fit, each woken
 * on its own condition (no thundering herd); a waiter that does not fit is skipped, not blocking
 * the smaller ones behind it.
 */
final class BoundedAdmissionControl implements AdmissionControl {
  private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  private final String name;
  private final int maxInFlight;
  private final long budget;
  private final Duration maxQueueWait;
  private final int maxWaiting;
  private final Duration retryAfter;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  // Written under the lock; volatile so that the gauges and the transports' check before a body is
  // read (twice per request) read them without taking the lock every request contends for.
  private volatile int inFlight;
  private volatile long bytesInUse;
  private volatile int waiting;

  BoundedAdmissionControl(String name, int maxInFlight, long budget, Duration maxQueueWait) {
    this(name, maxInFlight, budget, maxQueueWait, Integer.MAX_VALUE);
  }

  BoundedAdmissionControl(
      String name, int maxInFlight, long budget, Duration maxQueueWait, int maxWaiting) {
    this.name = Objects.requireNonNull(name, "name");
    Objects.requireNonNull(maxQueueWait, "maxQueueWait");
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
    }
    if (budget < 1) {
      throw new IllegalArgumentException("memoryBudgetBytes: " + budget + " (expected: >= 1)");
    }
    if (maxQueueWait.isNegative()) {
      throw new IllegalArgumentException("maxQueueWait: " + maxQueueWait + " (expected: >= 0)");
    }
    if (maxWaiting < 0) {
      throw new IllegalArgumentException("maxWaiting: " + maxWaiting + " (expected: >= 0)");
    }
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
    this.budget = budget;
    this.maxQueueWait = maxQueueWait;
    this.retryAfter = maxQueueWait.compareTo(MIN_RETRY_AFTER) < 0 ? MIN_RETRY_AFTER : maxQueueWait;
  }

  @Override
  public Permit admit(long bytes, CallContext context) {
    return admit(bytes, context, maxQueueWait);
  }

  @Override
  public Permit admit(long bytes, CallContext context, Duration maxWait) {
    // Larger than the budget: it may run alone, rather than never.
    long cost = Math.clamp(bytes, 0, budget);
    Duration wait = maxWait.compareTo(maxQueueWait) < 0 ? maxWait : maxQueueWait;
    if (wait.isNegative()) {
      wait = Duration.ZERO;
    }
    Duration left = context.remaining().orElse(null);
    if (left != null && left.compareTo(wait) < 0) {
      wait = left;
    }
    lock.lock();
    try {
      if (fits(cost)) {
        take(cost);
        return new BoundedPermit(cost);
      }
      if (wait.isZero() || waiters.size() >= maxWaiting) {
        throw rejection(cost);
      }
      Waiter waiter = new Waiter(cost, lock.newCondition());
      waiters.addLast(waiter);
      waiting = waiters.size();
      long nanos = wait.toNanos();
      boolean interrupted = false;
      try {
        while (!waiter.granted && nanos > 0) {
          try {
            nanos = waiter.condition.awaitNanos(nanos);
          } catch (InterruptedException e) {
            interrupted = true;
            break;
          }
        }
        if (!waiter.granted) {
          waiters.remove(waiter);
          waiting = waiters.size();
          throw rejection(cost);
        }
        return new BoundedPermit(cost);
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean fits(long cost) {
    // Nothing running: anything fits (cost is at most the budget).
    return inFlight < maxInFlight && (inFlight == 0 || bytesInUse + cost <= budget);
  }

  private void take(long cost) {
    inFlight++;
    bytesInUse += cost;
  }

  private CapacityExceededException rejection(long cost) {
    String full =
        inFlight >= maxInFlight
            ? maxInFlight
                + " requests in flight (the limit)"
                + (waiters.size() >= maxWaiting ? ", " + maxWaiting + " waiting (the limit)" : "")
            : bytesInUse
                + " of "
                + budget
                + " bytes of the memory budget in use, "
                + cost
                + " asked";
    return new CapacityExceededException(name + " (" + full + ")", retryAfter);
  }

  private void release(long cost) {
    lock.lock();
    try {
      inFlight--;
      bytesInUse -= cost;
      Iterator<Waiter> queued = waiters.iterator();
      while (queued.hasNext() && inFlight < maxInFlight) {
        Waiter waiter = queued.next();
        if (fits(waiter.cost)) {
          take(waiter.cost);
          waiter.granted = true;
          queued.remove();
          waiting = waiters.size();
          waiter.condition.signal();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int inFlight() {
    return inFlight;
  }

  @Override
  public long bytesInUse() {
    return bytesInUse;
  }

  @Override
  public int waiting() {
    return waiting;
  }

  @Override
  public String toString() {
    return "AdmissionControl[" + name + ", max in flight " + maxInFlight + ", " + budget + " B]";
  }

  /** A call waiting for admission; fields guarded by the lock. */
  private static final class Waiter {
    final long cost;
    final Condition condition;
    boolean granted;

    Waiter(long cost, Condition condition) {
      this.cost = cost;
      this.condition = condition;
    }
  }

  private final class BoundedPermit implements Permit {
    private final long cost;
    private final AtomicBoolean closed = new AtomicBoolean();

    BoundedPermit(long cost) {
      this.cost = cost;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release(cost);
      }
    }
  }
}
