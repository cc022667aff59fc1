package io.mlsys.server;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Collects the messages of one java.util.logging logger during each test. */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final Logger logger;
  private final List<String> messages = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (messages) {
            messages.add(record.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level savedLevel;

  LogCapture(String loggerName) {
    this.logger = Logger.getLogger(loggerName);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    savedLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    logger.addHandler(handler);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    logger.removeHandler(handler);
    logger.setLevel(savedLevel);
  }

  List<String> messages() {
    synchronized (messages) {
      return List.copyOf(messages);
    }
  }
}
