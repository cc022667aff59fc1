package io.mlsys.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what a java.util.logging logger (and those below it) publishes, for assertions. */
final class LogCapture extends Handler {
  private final Logger logger;
  private final List<LogRecord> records = new ArrayList<>();

  LogCapture(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
    setLevel(Level.ALL);
  }

  void start() {
    logger.addHandler(this);
  }

  void stop() {
    logger.removeHandler(this);
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
