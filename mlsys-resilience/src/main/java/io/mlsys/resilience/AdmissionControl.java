package io.mlsys.resilience;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import java.time.Duration;

/**
 * Bounds the work running at once: how many calls are in flight and how many bytes their tensors
 * are estimated to hold. A call asks for a {@link Permit} before it runs and closes it when done;
 * when the bounds are reached it waits, for no longer than the earlier of the call's deadline and
 * the maximum queue wait, and is then shed with {@link CapacityExceededException} (HTTP 503 with
 * Retry-After, gRPC UNAVAILABLE) instead of piling up.
 *
 * <p>Calls that fit are admitted even while larger ones wait, so a few huge requests cannot starve
 * small ones; a large one that never fits is shed when its wait runs out. One instance guards the
 * whole server; model decorators can hold one per model.
 */
public interface AdmissionControl {

  /**
   * Admits a call, waiting while the bounds are reached.
   *
   * @param bytes estimated bytes the call holds while it runs (its tensors in and out); a call
   *     larger than the whole budget is admitted only when nothing else holds any of it
   * @param context the call's deadline bounds the wait
   * @return the permit to close when the call is done
   * @throws CapacityExceededException when the call could not be admitted in time
   */
  Permit admit(long bytes, CallContext context);

  /**
   * {@link #admit(long, CallContext)}, waiting no longer than {@code maxWait} either: what is left
   * of a queue-time budget the call has partly spent before it got here.
   */
  default Permit admit(long bytes, CallContext context, Duration maxWait) {
    return admit(bytes, context);
  }

  /** Calls admitted and not yet done. */
  int inFlight();

  /** Estimated bytes held by the calls in flight. */
  long bytesInUse();

  /** Calls waiting to be admitted. */
  int waiting();

  /**
   * Admission within bounds.
   *
   * @param name names what is guarded in rejections, e.g. {@code "server"} or a model name
   * @param maxInFlight calls that may run at once, >= 1
   * @param memoryBudgetBytes estimated bytes the calls in flight may hold together, >= 1
   * @param maxQueueWait longest a call waits for admission (>= 0; 0 sheds at once); also the
   *     Retry-After of a rejection, at least one second
   */
  static AdmissionControl bounded(
      String name, int maxInFlight, long memoryBudgetBytes, Duration maxQueueWait) {
    return new BoundedAdmissionControl(name, maxInFlight, memoryBudgetBytes, maxQueueWait);
  }

  /**
   * Admission within bounds, with at most {@code maxWaiting} calls waiting: one more is shed at
   * once, so a burst far above capacity costs no memory beyond the bound.
   *
   * @param maxWaiting calls that may wait at once, >= 0 (0: a call that does not fit is shed at
   *     once)
   */
  static AdmissionControl bounded(
      String name, int maxInFlight, long memoryBudgetBytes, Duration maxQueueWait, int maxWaiting) {
    return new BoundedAdmissionControl(
        name, maxInFlight, memoryBudgetBytes, maxQueueWait, maxWaiting);
  }

  /** Admits every call at once; counts nothing. */
  static AdmissionControl unlimited() {
    return UnlimitedAdmission.INSTANCE;
  }

  /** The right to run one call; closing it (once or more) gives its share back. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
