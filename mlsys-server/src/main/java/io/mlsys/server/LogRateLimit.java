package io.mlsys.server;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Lets the first {@code perWindow} events of each window through and counts the ones it holds back,
 * so a repeated warning costs a few lines per window however often it happens. The count is handed
 * to the next event let through ("N similar messages suppressed"), so nothing is hidden without a
 * trace. Thread-safe; the window is read from an injected ticker (nanoseconds).
 */
final class LogRateLimit {
  /** Events a window lets through by default. */
  static final int DEFAULT_PER_WINDOW = 10;

  /** The default window. */
  static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);

  private final int perWindow;
  private final long windowNanos;
  private final LongSupplier ticker;
  private long windowStart;
  private int inWindow;
  private long suppressed;
  private boolean started;

  /**
   * @param perWindow events let through per window, >= 1
   * @param window the window, > 0
   * @param ticker nanoseconds, as {@link System#nanoTime()}
   */
  LogRateLimit(int perWindow, Duration window, LongSupplier ticker) {
    if (perWindow < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException(
          "perWindow: " + perWindow + ", window: " + window + " (expected: >= 1 and > 0)");
    }
    this.perWindow = perWindow;
    this.windowNanos = window.toNanos();
    this.ticker = ticker;
  }

  /** {@value #DEFAULT_PER_WINDOW} per 10 seconds of the system's nanosecond clock. */
  static LogRateLimit defaults() {
    return new LogRateLimit(DEFAULT_PER_WINDOW, DEFAULT_WINDOW, System::nanoTime);
  }

  /**
   * Counts one event.
   *
   * @return -1 when it is to be suppressed, else how many were suppressed since the last one let
   *     through (0 for none)
   */
  synchronized long acquire() {
    long now = ticker.getAsLong();
    if (!started || now - windowStart >= windowNanos) {
      started = true;
      windowStart = now;
      inWindow = 0;
    }
    if (inWindow >= perWindow) {
      suppressed++;
      return -1;
    }
    inWindow++;
    long held = suppressed;
    suppressed = 0;
    return held;
  }

  /** The message with the count of suppressed ones appended, when there were any. */
  static String withSuppressed(String message, long suppressed) {
    return suppressed <= 0
        ? message
        : message + " (" + suppressed + " similar messages suppressed before this one)";
  }
}
