package io.mlsys.server;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Collects the messages of one java.util.logging logger during each test ({@link LogRecorder}). */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
  private final LogRecorder recorder;

  LogCapture(String loggerName) {
    this.recorder = new LogRecorder(loggerName, Level.ALL);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    recorder.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    recorder.stop();
  }

  List<String> messages() {
    return recorder.records().stream().map(LogRecord::getMessage).toList();
  }
}
