package io.mlsys.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Closes HTTP connections whose client is too slow to send a request's head or body (slowloris):
 * the header-read and body-read timeouts, which Helidon lacks (its idle timeout does not cover a
 * client that is still sending). Registered as an HTTP/1 receive listener, it sees each read of a
 * connection, its request line and its headers, on the connection's own thread (one per
 * connection); a sweeper closes the connections past their deadline.
 *
 * <p>A connection is idle until bytes of a request arrive, then has {@code headerReadTimeout} until
 * its headers are read; a request with a body then has {@code bodyReadTimeout} until {@link
 * #bodyRead()} (the endpoint read it all). A body the endpoint never reads (Helidon discards it
 * after the answer) stays under that deadline until the next request starts.
 */
final class ConnectionGuard implements Http1ConnectionListener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ConnectionGuard.class.getName());
  private static final long NO_DEADLINE = Long.MAX_VALUE;
  private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final long headerNanos;
  private final long bodyNanos;
  private final LongSupplier ticker;
  private final Map<ConnectionContext, Reading> open = new ConcurrentHashMap<>();
  private final ThreadLocal<Reading> current = new ThreadLocal<>();
  private final ScheduledExecutorService sweeper;

  ConnectionGuard(Duration headerReadTimeout, Duration bodyReadTimeout, LongSupplier ticker) {
    this.headerNanos = headerReadTimeout.toNanos();
    this.bodyNanos = bodyReadTimeout.toNanos();
    this.ticker = ticker;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("mlsys-http-read-timeouts").factory());
  }

  /** Starts sweeping, a few times per shortest timeout. */
  ConnectionGuard start() {
    long period =
        Math.clamp(Math.min(headerNanos, bodyNanos) / 4, MIN_SWEEP_NANOS, MAX_SWEEP_NANOS);
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.NANOSECONDS);
    return this;
  }

  @Override
  public void data(ConnectionContext ctx, BufferData data) {
    Reading reading = reading(ctx);
    if (reading.phase == Phase.IDLE) {
      reading.enter(Phase.HEAD, ticker.getAsLong() + headerNanos);
    }
  }

  @Override
  public void data(ConnectionContext ctx, byte[] bytes, int offset, int length) {
    data(ctx, (BufferData) null);
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    Reading reading = reading(ctx);
    if (reading.phase != Phase.HEAD) {
      reading.enter(Phase.HEAD, ticker.getAsLong() + headerNanos);
    }
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    Reading reading = reading(ctx);
    if (headers.contains(HeaderNames.TRANSFER_ENCODING) || headers.contentLength().orElse(0) > 0) {
      reading.enter(Phase.BODY, ticker.getAsLong() + bodyNanos);
    } else {
      reading.enter(Phase.IDLE, NO_DEADLINE);
    }
  }

  /** The endpoint on this thread has read its request's body: the body deadline no longer holds. */
  void bodyRead() {
    Reading reading = current.get();
    if (reading != null && reading.phase == Phase.BODY) {
      reading.enter(Phase.IDLE, NO_DEADLINE);
    }
  }

  private Reading reading(ConnectionContext ctx) {
    Reading reading = current.get();
    if (reading == null || reading.ctx != ctx) {
      reading = new Reading(ctx);
      current.set(reading);
      open.put(ctx, reading);
    }
    return reading;
  }

  /**
   * Closes the connection after {@code delay} unless the returned future is cancelled first: the
   * deadline of a refused connection ({@link ConnectionLimit}) while it reads what its client still
   * sends.
   *
   * @throws java.util.concurrent.RejectedExecutionException once this guard is closed
   */
  Future<?> closeAfter(ConnectionContext ctx, Duration delay) {
    return sweeper.schedule(() -> closeQuietly(ctx), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Closes the connection's socket unless it is closed already. */
  static void closeQuietly(ConnectionContext ctx) {
    try {
      if (ctx.serverSocket().isConnected()) {
        ctx.serverSocket().close();
      }
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "closing a connection failed", e);
    }
  }

  /** Forgets closed connections and closes those past their deadline. */
  void sweep() {
    long now = ticker.getAsLong();
    for (Reading reading : open.values()) {
      try {
        if (!reading.ctx.serverSocket().isConnected()) {
          open.remove(reading.ctx);
        } else if (now - reading.deadline > 0 && reading.deadline != NO_DEADLINE) {
          Phase phase = reading.phase;
          open.remove(reading.ctx);
          LOG.log(
              Level.DEBUG,
              () ->
                  "closing connection "
                      + reading.ctx.serverSocket().socketId()
                      + ": the client took too long to send the request "
                      + (phase == Phase.HEAD ? "headers" : "body"));
          reading.ctx.serverSocket().close();
        }
      } catch (RuntimeException e) {
        open.remove(reading.ctx);
        LOG.log(Level.DEBUG, "closing a slow connection failed", e);
      }
    }
  }

  /** Connections being tracked (for tests). */
  int tracked() {
    return open.size();
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }

  private enum Phase {
    IDLE,
    HEAD,
    BODY
  }

  /** One connection's read state, written by its own thread, read by the sweeper. */
  private static final class Reading {
    private final ConnectionContext ctx;
    private volatile Phase phase = Phase.IDLE;
    private volatile long deadline = NO_DEADLINE;

    Reading(ConnectionContext ctx) {
      this.ctx = ctx;
    }

    void enter(Phase newPhase, long newDeadline) {
      deadline = newDeadline;
      phase = newPhase;
    }
  }
}
