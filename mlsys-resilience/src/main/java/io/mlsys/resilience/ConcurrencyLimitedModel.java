package io.mlsys.resilience;

import io.mlsys.core.CallContext;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.Reservation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model behind a bulkhead: {@link AdmissionControl} bounds the calls running and waiting and the
 * time a call waits; before a call queues, its time left is compared with what it would need
 * (estimated wait plus the measured service time), so a call that would miss its deadline is
 * refused at once instead of taking a slot and answering too late.
 */
final class ConcurrencyLimitedModel extends ForwardingModel {
  private static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  private final ConcurrencyLimitOptions options;
  private final String name;
  private final Clock clock;
  private final SheddingMetrics metrics;
  private final AdmissionControl admission;
  private final LatencyEstimate latency = new LatencyEstimate();
  private final Duration retryAfter;
  // Calls reserved before their request was read and not yet here: they count as waiting.
  private final AtomicInteger reserved = new AtomicInteger();

  ConcurrencyLimitedModel(
      Model delegate,
      ConcurrencyLimitOptions options,
      String name,
      Clock clock,
      SheddingMetrics metrics) {
    super(delegate);
    this.options = options;
    this.name = name;
    this.clock = clock;
    this.metrics = metrics;
    // No byte budget per model: the server's limits count bytes; here only calls count.
    this.admission =
        AdmissionControl.bounded(
            "model '" + name + "'",
            options.maxInFlight(),
            Long.MAX_VALUE,
            options.maxQueueWait(),
            options.maxQueued());
    this.retryAfter =
        options.maxQueueWait().compareTo(MIN_RETRY_AFTER) < 0
            ? MIN_RETRY_AFTER
            : options.maxQueueWait();
  }

  /**
   * Holds a place among the calls that may wait (running, waiting or reserved: at most {@code
   * max-in-flight + max-queued}), or refuses at once when none is left: the refusal the transport
   * answers before reading the request's body.
   */
  @Override
  public void reserve(Reservation reservation, CallContext context) {
    int held = reserved.incrementAndGet();
    int places = options.maxInFlight() + options.maxQueued();
    if (admission.inFlight() + admission.waiting() + held > places) {
      reserved.decrementAndGet();
      metrics.shed(name, "concurrency");
      throw new CapacityExceededException(
          "model '"
              + name
              + "' ("
              + options.maxInFlight()
              + " calls in flight and "
              + options.maxQueued()
              + " waiting, the limits; refused before the request was read)",
          retryAfter);
    }
    try {
      reservation.hold(this, reserved::decrementAndGet);
    } catch (RuntimeException e) {
      reserved.decrementAndGet();
      throw e;
    }
    super.reserve(reservation, context);
  }

  @Override
  public InferResponse infer(InferRequest request, CallContext context) {
    // Its reserved place becomes a place in the admission queue.
    Reservation.consume(context, this);
    if (options.shedByDeadline()) {
      shedByDeadline(context);
    }
    Duration wait = options.maxQueueWait();
    if (!options.maxQueueTime().isZero()) {
      Optional<Instant> arrival = context.attribute(Reservation.ARRIVAL);
      if (arrival.isPresent()) {
        Duration spent = Duration.between(arrival.get(), clock.instant());
        Duration left = options.maxQueueTime().minus(spent);
        if (left.isNegative()) {
          metrics.shed(name, "queue-time");
          throw new CapacityExceededException(
              "model '"
                  + name
                  + "' (refused before running: the request arrived "
                  + millis(spent.toNanos())
                  + " ago, over max-queue-time "
                  + millis(options.maxQueueTime().toNanos())
                  + ")",
              retryAfter);
        }
        wait = left.compareTo(wait) < 0 ? left : wait;
      }
    }
    AdmissionControl.Permit permit;
    try {
      permit = admission.admit(0, context, wait);
    } catch (CapacityExceededException e) {
      metrics.shed(name, "concurrency");
      throw e;
    }
    try (permit) {
      context.checkDeadline("model '" + name + "' (waiting for a concurrency slot)");
      long start = LatencyEstimate.nanosOf(clock);
      InferResponse response = super.infer(request, context);
      latency.record(LatencyEstimate.nanosOf(clock) - start);
      return response;
    }
  }

  /**
   * Refuses a call whose time left is shorter than it needs: 504 when the service time alone is
   * longer (no amount of capacity would help), 503 when the wait behind the calls already queued
   * makes it miss (the model is overloaded).
   */
  private void shedByDeadline(CallContext context) {
    Optional<Duration> remaining = context.remaining();
    long service = latency.nanos();
    if (remaining.isEmpty() || service < 0) {
      return;
    }
    long left = remaining.get().toNanos();
    if (left < service) {
      metrics.shed(name, "deadline");
      throw new DeadlineExceededException(
          "model '"
              + name
              + "' (refused before running: "
              + millis(left)
              + " left, calls take about "
              + millis(service)
              + ")");
    }
    int max = options.maxInFlight();
    int ahead = admission.waiting() + admission.inFlight() - max + 1;
    if (ahead <= 0) {
      return;
    }
    // Slots free in rounds of max-in-flight calls, each round about one service time.
    long wait = ((ahead + max - 1L) / max) * service;
    if (left < wait + service) {
      metrics.shed(name, "deadline");
      throw new CapacityExceededException(
          "model '"
              + name
              + "' (refused before queueing: "
              + millis(left)
              + " left, about "
              + millis(wait + service)
              + " needed behind "
              + ahead
              + " calls)",
          Duration.ofNanos(Math.max(wait, 1_000_000)));
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
  }

  /** Calls waiting for a slot now. */
  int waiting() {
    return admission.waiting();
  }

  /** Passes the context on without reading the graph path. */
  @Override
  public boolean readsGraphPath() {
    return delegate().readsGraphPath();
  }
}
