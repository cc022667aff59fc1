package io.mlsys.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.micrometer.core.instrument.Counter;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Refuses HTTP connections over {@code server.connections.max-connections} at once, instead of
 * leaving them in the kernel's listen backlog until a client times out (Helidon 4.5 has no hook at
 * accept: its own limit stops accepting). The listener's only connection selector: it wraps
 * Helidon's HTTP/1 selector, counts the connections it hands out until each ends, and gives one
 * over the limit a {@link Refusal}: {@code 503} with {@code Retry-After} and {@code Connection:
 * close}, written without waiting for a request (over TLS, once the handshake is done and the
 * request's first bytes have come), then the connection is closed.
 *
 * <p>Being the only selector matters: Helidon hands a new connection to a lone selector as soon as
 * it is accepted, while with several it waits for the client's first bytes to choose between them,
 * and an idle client over the limit would wait with it. Helidon's own connection limit ({@code
 * maxTcpConnections}, taken before accept) stays as a higher hard cap ({@link
 * HelidonMlsysServer#hardConnectionCap}): it bounds the refusals in progress and the connections
 * still in their TLS handshake, which this selector does not see.
 */
final class ConnectionLimit implements ServerConnectionSelector {
  private static final System.Logger LOG = System.getLogger(ConnectionLimit.class.getName());

  /** What a refused client is told to wait before it retries, in seconds. */
  static final int RETRY_AFTER_SECONDS = 1;

  /**
   * How long a refusal reads what its client still sends before closing: closing a socket with
   * unread bytes resets the connection, and a reset can overtake the answer (lingering close, as in
   * Apache and nginx). A client that closes after the answer ends it sooner.
   */
  static final Duration LINGER = Duration.ofSeconds(1);

  /** Bytes a refusal reads at most before closing anyway (a client sending a large body). */
  private static final int MAX_LINGER_BYTES = 64 * 1024;

  private final ServerConnectionSelector http1;
  private final int maxConnections;
  private final ConnectionGuard guard;
  private final Duration answerTimeout;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private final RateLimitedLogger refusalLog;
  private final byte[] refusal;

  /**
   * @param http1 Helidon's HTTP/1 selector, which serves the connections under the limit
   * @param maxConnections connections served at once at most, >= 1
   * @param guard closes a refused connection at its deadlines
   * @param answerTimeout how long a refused client may take to let the answer be written (its TLS
   *     handshake): {@code server.connections.header-read-timeout}
   * @param refusalLog where refusals are reported, rate-limited
   */
  ConnectionLimit(
      ServerConnectionSelector http1,
      int maxConnections,
      ConnectionGuard guard,
      Duration answerTimeout,
      ServerMetrics metrics,
      RateLimitedLogger refusalLog) {
    this.http1 = http1;
    this.maxConnections = maxConnections;
    this.guard = guard;
    this.answerTimeout = answerTimeout;
    this.refused = metrics.httpConnections(open);
    this.refusalLog = refusalLog;
    this.refusal = refusal(maxConnections);
  }

  /** The whole answer to a refused connection, written before its request is read. */
  private static byte[] refusal(int maxConnections) {
    byte[] body =
        JsonDocuments.error(
            "too many connections: the server holds at most "
                + maxConnections
                + " (server.connections.max-connections); retry later");
    String head =
        "HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: application/json\r\n"
            + "Retry-After: "
            + RETRY_AFTER_SECONDS
            + "\r\n"
            + "Connection: close\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }

  @Override
  public int bytesToIdentifyConnection() {
    return http1.bytesToIdentifyConnection();
  }

  @Override
  public Support supports(BufferData request) {
    return http1.supports(request);
  }

  @Override
  public Set<String> supportedApplicationProtocols() {
    return http1.supportedApplicationProtocols();
  }

  @Override
  public ServerConnection connection(ConnectionContext ctx) {
    int now = open.incrementAndGet();
    if (now > maxConnections) {
      open.decrementAndGet();
      refused.increment();
      refusalLog.log(
          Level.WARNING,
          "refusing HTTP connections with 503: "
              + maxConnections
              + " are open (server.connections.max-connections)",
          null);
      return new Refusal(ctx);
    }
    try {
      return new Counted(http1.connection(ctx));
    } catch (RuntimeException | Error e) {
      open.decrementAndGet();
      throw e;
    }
  }

  /** Connections being served (for tests). */
  int open() {
    return open.get();
  }

  /** A served connection, counted until its handling ends. */
  private final class Counted implements ServerConnection, InterruptableTask<Void> {
    private final ServerConnection delegate;

    Counted(ServerConnection delegate) {
      this.delegate = delegate;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
      try {
        delegate.handle(limit);
      } finally {
        open.decrementAndGet();
      }
    }

    @Override
    public Duration idleTime() {
      return delegate.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
      delegate.close(interrupt);
    }

    /** Helidon interrupts an idle connection at shutdown only when its connection says it may. */
    @Override
    public boolean canInterrupt() {
      return delegate instanceof InterruptableTask<?> task && task.canInterrupt();
    }
  }

  /** A connection over the limit: answered 503 at once, then closed. */
  private final class Refusal implements ServerConnection {
    private final ConnectionContext ctx;

    Refusal(ConnectionContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void handle(Limit limit) {
      try {
        // Over TLS the client has as long for its handshake as it would have for its headers.
        Future<?> answered = guard.closeAfter(ctx, answerTimeout);
        try {
          // Helidon 4.5's TLS socket drops what is written before its handshake, which only a read
          // completes: over TLS, answer once the client's first bytes (its request) have come.
          if (!ctx.isSecure() || ctx.serverSocket().get() != null) {
            ctx.dataWriter().writeNow(BufferData.create(refusal));
          }
        } finally {
          answered.cancel(false);
        }
        Future<?> lingered = guard.closeAfter(ctx, LINGER);
        try {
          int read = 0;
          for (byte[] bytes = ctx.serverSocket().get();
              bytes != null && read < MAX_LINGER_BYTES;
              bytes = ctx.serverSocket().get()) {
            read += bytes.length;
          }
        } finally {
          lingered.cancel(false);
        }
      } catch (RuntimeException e) {
        // The client went away, the guard closed the socket at a deadline, or the server is
        // stopping (the guard refuses to schedule): done either way.
        LOG.log(Level.TRACE, "refused connection ended", e);
      }
      // Helidon closes the connection when this returns.
    }

    @Override
    public Duration idleTime() {
      return Duration.ZERO; // its own deadline ends it, not Helidon's idle timeout
    }

    @Override
    public void close(boolean interrupt) {
      ConnectionGuard.closeQuietly(ctx);
    }
  }
}
