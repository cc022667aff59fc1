package io.mlsys.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what a java.util.logging logger (and those below it) publishes, for assertions. */
final class LogRecorder extends Handler {
  private final Logger logger;
  private final Level level;
  private final List<LogRecord> records = new ArrayList<>();
  private Level savedLevel;
  private boolean savedUseParentHandlers;

  /** Captures what the logger passes at its configured level (tests: WARNING and above). */
  LogRecorder(String loggerName) {
    this(loggerName, null);
  }

  /** Captures from {@code level} up, the logger's level set to it while capturing. */
  LogRecorder(String loggerName, Level level) {
    this.logger = Logger.getLogger(loggerName);
    this.level = level;
    setLevel(Level.ALL);
  }

  void start() {
    savedLevel = logger.getLevel();
    savedUseParentHandlers = logger.getUseParentHandlers();
    if (level != null) {
      // Lines below the tests' console level stay off the console.
      logger.setLevel(level);
      logger.setUseParentHandlers(false);
    }
    logger.addHandler(this);
  }

  void stop() {
    logger.removeHandler(this);
    logger.setLevel(savedLevel);
    logger.setUseParentHandlers(savedUseParentHandlers);
  }

  @Override
  public synchronized void publish(LogRecord record) {
    records.add(record);
  }

  synchronized List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** Records at WARNING or above. */
  List<LogRecord> warnings() {
    return records().stream()
        .filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
        .toList();
  }

  /** Records carrying a throwable: a stack trace in the log. */
  List<LogRecord> withStackTrace() {
    return records().stream().filter(r -> r.getThrown() != null).toList();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
