package io.mlsys.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A redis-server of the test's own on a free port, without persistence, that a test may stop and
 * start again on the same port; the machine's shared Redis is never touched.
 */
public final class PrivateRedis implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 30;

  private final int port;
  private Process process;

  /** Starts a redis-server on a free port. */
  public PrivateRedis() throws IOException {
    this.port = FreePorts.next();
    start();
  }

  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:<port>}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts it (again) on the same port and waits until it accepts connections. */
  public void start() throws IOException {
    process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (!accepts()) {
      if (!process.isAlive()) {
        throw new IOException(
            "redis-server on port " + port + " exited with " + process.exitValue());
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("redis-server did not listen on " + port + " within 30 s");
      }
      Thread.onSpinWait();
    }
  }

  /** Stops it and waits until the port refuses connections. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    process = null;
    while (accepts()) {
      Thread.onSpinWait();
    }
  }

  /**
   * Polls for something a real process does in its own time (a reconnection, a key written by
   * another thread); fails after 30 s.
   */
  public static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
