package io.mlsys.server;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Prints a log record's message as it is, one line per record: the access log's lines are already
 * JSON. Usable from {@code logging.properties}, e.g. {@code
 * java.util.logging.ConsoleHandler.formatter=io.mlsys.server.JsonLineFormatter}.
 */
public final class JsonLineFormatter extends Formatter {
  @Override
  public String format(LogRecord record) {
    String message = record.getMessage();
    return message == null ? "\n" : message + "\n";
  }
}
