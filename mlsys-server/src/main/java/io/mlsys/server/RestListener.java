package io.mlsys.server;

import io.helidon.webserver.WebServer;
import io.mlsys.core.ErrorMessages;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * The HTTP listener, kept accepting. Helidon's listener closes its server socket for good on any
 * accept error (such as "Too many open files" once file descriptors run out) while the process
 * stays up. A watchdog therefore connects to the port every {@link #PROBE_INTERVAL}; when the
 * connection is refused while the server should run, it marks the REST transport down in {@link
 * TransportHealth} (so health checks on both transports fail), stops the dead webserver and starts
 * a new one on the same port, retrying with backoff from {@link #MIN_BACKOFF} to {@link
 * #MAX_BACKOFF} until it binds. A probe that fails otherwise (no descriptor left for it, a timeout
 * while the backlog is full) proves nothing and is retried at the next interval.
 *
 * <p>Helidon's dead listener thread stays blocked (it waits for its own end), one platform thread
 * per restart; restarts are rare, so this is accepted rather than patched.
 */
final class RestListener {
  private static final System.Logger LOG = System.getLogger(RestListener.class.getName());
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final IntFunction<WebServer> factory;
  private final String host;
  private final TransportHealth health;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stopping = lock.newCondition();
  private volatile WebServer server;
  private volatile boolean stopped;
  private int port;
  private Thread watchdog;

  /**
   * @param factory builds an unstarted webserver on the given port
   * @param host the interface the listener binds (a wildcard address is probed on loopback)
   */
  RestListener(IntFunction<WebServer> factory, String host, int port, TransportHealth health) {
    this.factory = factory;
    this.host = host;
    this.port = port;
    this.health = health;
  }

  /** Starts the webserver (failing as it fails) and the watchdog. */
  void start() {
    WebServer started = factory.apply(port).start();
    server = started;
    port = started.port();
    watchdog = Thread.ofVirtual().name("mlsys-http-listener-watchdog").start(this::watch);
  }

  /** The bound port, or -1 when not running. */
  int port() {
    WebServer current = server;
    return current != null && current.isRunning() && !stopped ? current.port() : -1;
  }

  /** Stops the watchdog, then the webserver (draining requests for the grace period). */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      stopping.signalAll();
    } finally {
      lock.unlock();
    }
    if (watchdog != null) {
      try {
        watchdog.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    WebServer current = server;
    if (current != null && current.isRunning()) {
      current.stop();
    }
  }

  private void watch() {
    while (await(PROBE_INTERVAL)) {
      if (probe() == Probe.REFUSED && !stopped) {
        restart();
      }
    }
  }

  private enum Probe {
    ACCEPTED,
    REFUSED,
    UNKNOWN
  }

  private Probe probe() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(probeAddress(), port), (int) PROBE_TIMEOUT.toMillis());
      return Probe.ACCEPTED;
    } catch (ConnectException e) {
      return Probe.REFUSED;
    } catch (IOException e) {
      return Probe.UNKNOWN;
    }
  }

  private InetAddress probeAddress() throws UnknownHostException {
    InetAddress address = InetAddress.getByName(host);
    return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : address;
  }

  private void restart() {
    health.down(TransportHealth.REST, "port " + port + " stopped accepting connections");
    LOG.log(
        Level.WARNING,
        "the HTTP listener on port "
            + port
            + " stopped accepting connections (see the webserver's log above); restarting it");
    try {
      server.stop();
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "stopping the dead HTTP listener failed", e);
    }
    Duration backoff = MIN_BACKOFF;
    while (!stopped) {
      WebServer next = factory.apply(port);
      try {
        next.start();
        server = next;
        health.up(TransportHealth.REST);
        LOG.log(Level.WARNING, "the HTTP listener on port " + port + " accepts connections again");
        return;
      } catch (RuntimeException e) {
        LOG.log(
            Level.WARNING,
            "restarting the HTTP listener on port "
                + port
                + " failed ("
                + ErrorMessages.rootCause(e)
                + "); retrying in "
                + backoff.toMillis()
                + " ms");
      }
      if (!await(backoff)) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** Waits, unless stopping; false when the listener is stopping. */
  private boolean await(Duration duration) {
    lock.lock();
    try {
      long nanos = duration.toNanos();
      while (!stopped && nanos > 0) {
        nanos = stopping.awaitNanos(nanos);
      }
      return !stopped;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
