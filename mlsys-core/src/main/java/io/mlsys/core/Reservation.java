package io.mlsys.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the limits in front of a model hold for one call from before its request is read until the
 * call reaches them: the transport asks {@link Predictor#reserve} as soon as it knows the model
 * (before reading and parsing the body), so a call over a limit is refused at once and costs no
 * parsing, and a call under it keeps its place while its body is read. Each limit adds a hold with
 * {@link #hold}; when the call reaches that limit it {@linkplain #consume consumes} its hold (the
 * limit then admits the call as usual); the transport {@linkplain #close closes} the reservation
 * when the call ends, which releases the holds not consumed (a request that failed to parse).
 *
 * <p>Travels with the call in its {@link CallContext} under {@link #ATTRIBUTE}. Thread-safe.
 */
public final class Reservation implements AutoCloseable {
  /** The call's reservation, set by the transports that reserve before reading the request. */
  public static final CallAttribute<Reservation> ATTRIBUTE =
      CallAttribute.of("reservation", Reservation.class);

  /**
   * When the request arrived at the server (its head read, before its body), set by the transports:
   * the start of its queue time, which limits compare with their queue-time bound.
   */
  public static final CallAttribute<Instant> ARRIVAL = CallAttribute.of("arrival", Instant.class);

  private final List<Hold> holds = new ArrayList<>(2);
  private boolean closed;

  private Reservation() {}

  /** An empty reservation. */
  public static Reservation create() {
    return new Reservation();
  }

  /**
   * Adds {@code owner}'s hold, released once by {@code release} when consumed or when the
   * reservation closes.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  public synchronized void hold(Object owner, Runnable release) {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(release, "release");
    if (closed) {
      throw new IllegalStateException("the reservation is closed");
    }
    holds.add(new Hold(owner, release));
  }

  /**
   * Ends {@code owner}'s hold, releasing it: true when it had one (the call was counted by that
   * owner before its request was read), false otherwise.
   */
  public boolean consume(Object owner) {
    Hold found = null;
    synchronized (this) {
      for (int i = 0; i < holds.size(); i++) {
        if (holds.get(i).owner == owner) {
          found = holds.remove(i);
          break;
        }
      }
    }
    if (found == null) {
      return false;
    }
    found.release.run();
    return true;
  }

  /** {@link #consume} on the reservation {@code context} carries, if any. */
  public static boolean consume(CallContext context, Object owner) {
    Optional<Reservation> reservation = context.attribute(ATTRIBUTE);
    return reservation.isPresent() && reservation.get().consume(owner);
  }

  /** Holds not consumed yet (for tests and metrics). */
  public synchronized int held() {
    return holds.size();
  }

  /** Releases every hold not consumed; idempotent. */
  @Override
  public void close() {
    List<Hold> left;
    synchronized (this) {
      closed = true;
      left = List.copyOf(holds);
      holds.clear();
    }
    for (Hold hold : left) {
      hold.release.run();
    }
  }

  private record Hold(Object owner, Runnable release) {}
}
