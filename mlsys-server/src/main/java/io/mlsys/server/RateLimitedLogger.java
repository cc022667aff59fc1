package io.mlsys.server;

import java.lang.System.Logger.Level;

/**
 * A {@link System.Logger} for a warning that may repeat once per request (a failing model, a
 * failing upstream): the first few per window are written, with their stack trace, the rest are
 * counted and the count is written with the next one let through ({@link LogRateLimit}).
 */
final class RateLimitedLogger {
  private final System.Logger logger;
  private final LogRateLimit limit;

  RateLimitedLogger(System.Logger logger, LogRateLimit limit) {
    this.logger = logger;
    this.limit = limit;
  }

  /** {@link LogRateLimit#defaults()} on the logger of this name. */
  static RateLimitedLogger of(String name) {
    return new RateLimitedLogger(System.getLogger(name), LogRateLimit.defaults());
  }

  /** Logs the message (and {@code thrown}, may be null) unless over the limit. */
  void log(Level level, String message, Throwable thrown) {
    if (!logger.isLoggable(level)) {
      return;
    }
    long suppressed = limit.acquire();
    if (suppressed >= 0) {
      logger.log(level, LogRateLimit.withSuppressed(message, suppressed), thrown);
    }
  }
}
