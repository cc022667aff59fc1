package io.mlsys.server;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * A java.util.logging handler that formats on the caller's thread and writes on its own: callers
 * only add a line to a bounded lock-free queue, so a slow sink never holds up a request. The writer
 * thread wakes every {@value #DRAIN_INTERVAL_MILLIS} ms (callers never wake it: a wake-up per line
 * would cost a context switch per request), writes what is queued through a buffer and flushes.
 * When the queue is full the line is dropped and counted ({@link #dropped()}), never waited for.
 */
public final class AsyncLogHandler extends Handler {
  /** Default queue capacity in lines. */
  public static final int DEFAULT_CAPACITY = 65_536;

  /** How often the writer drains the queue. */
  public static final long DRAIN_INTERVAL_MILLIS = 10;

  private final Queue<String> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final int capacity;
  private final OutputStream out;
  private final boolean closeStream;
  private final Thread writer;
  private final LongAdder dropped = new LongAdder();
  private final Object lock = new Object();
  private volatile boolean closed;

  /**
   * @param out where lines go
   * @param closeStream whether {@link #close()} closes {@code out} (not for {@code System.out})
   * @param capacity queue capacity in lines
   * @param formatter turns a record into its line
   */
  public AsyncLogHandler(OutputStream out, boolean closeStream, int capacity, Formatter formatter) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
    }
    this.capacity = capacity;
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.closeStream = closeStream;
    setFormatter(formatter);
    this.writer = Thread.ofPlatform().daemon().name("mlsys-async-log").unstarted(this::drainLoop);
    writer.start();
  }

  /** JSON lines to standard output, {@value #DEFAULT_CAPACITY} lines of queue. */
  public static AsyncLogHandler jsonLinesToStdout() {
    return new AsyncLogHandler(System.out, false, DEFAULT_CAPACITY, new JsonLineFormatter());
  }

  @Override
  public void publish(LogRecord record) {
    if (closed || !isLoggable(record)) {
      return;
    }
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError("formatting a log record", e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    if (queued.incrementAndGet() > capacity) {
      queued.decrementAndGet();
      dropped.increment();
      return;
    }
    queue.add(line);
  }

  /** Lines dropped because the queue was full. */
  public long dropped() {
    return dropped.sum();
  }

  /** Writes what is queued now and flushes, on the calling thread. */
  @Override
  public void flush() {
    drain();
  }

  /** Stops the writer, writes what is still queued (waiting up to 10 seconds), flushes. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
    if (closeStream) {
      synchronized (lock) {
        try {
          out.close();
        } catch (IOException e) {
          reportError("closing", e, ErrorManager.CLOSE_FAILURE);
        }
      }
    }
  }

  private void drainLoop() {
    while (!closed) {
      if (!drain()) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(DRAIN_INTERVAL_MILLIS));
      }
    }
  }

  /** Writes every queued line, then flushes once; false when there was nothing to write. */
  private boolean drain() {
    synchronized (lock) {
      boolean wrote = false;
      for (String line = queue.poll(); line != null; line = queue.poll()) {
        queued.decrementAndGet();
        wrote = true;
        try {
          out.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
          reportError("writing a log line", e, ErrorManager.WRITE_FAILURE);
        }
      }
      if (wrote) {
        try {
          out.flush();
        } catch (IOException e) {
          reportError("flushing", e, ErrorManager.FLUSH_FAILURE);
        }
      }
      return wrote;
    }
  }
}
