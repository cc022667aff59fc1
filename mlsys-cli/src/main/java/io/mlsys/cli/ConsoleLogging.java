package io.mlsys.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The console's log lines in one format, one line a record: {@code 2026-12-07 01:22:49.123 INFO
 * io.helidon.webserver.LoomServer: Started all channels in 54 milliseconds} (java.util.logging's
 * default takes two lines, date and source first, message on the next). Only the root logger's
 * console handler changes: the access log writes its JSON lines through its own handler.
 */
final class ConsoleLogging {
  /**
   * Libraries whose INFO lines say nothing an operator acts on (Flyway's "schema is up to date",
   * HikariCP's pool start at every store open, the Kafka producer's settings dump); held here
   * because java.util.logging keeps loggers weakly, and a collected logger forgets its level.
   */
  private static final List<Logger> QUIET =
      List.of(
          Logger.getLogger("org.flywaydb"),
          Logger.getLogger("com.zaxxer.hikari"),
          Logger.getLogger("org.apache.kafka"));

  /**
   * The Kafka client warns at every failed reconnect (about once a second while a broker is down);
   * the prediction log's sink reports the outage itself, once, and counts the failures.
   */
  private static final Logger KAFKA_RECONNECTS =
      Logger.getLogger("org.apache.kafka.clients.NetworkClient");

  private ConsoleLogging() {}

  /**
   * Sets the one-line format on the root logger's console handlers, unless the operator configured
   * java.util.logging ({@code -Djava.util.logging.config.file} or {@code .class}).
   */
  static void install() {
    if (System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null) {
      return;
    }
    for (Logger logger : QUIET) {
      logger.setLevel(Level.WARNING);
    }
    KAFKA_RECONNECTS.setLevel(Level.SEVERE);
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      if (handler instanceof ConsoleHandler) {
        handler.setFormatter(new OneLineFormatter(ZoneId.systemDefault()));
      }
    }
  }

  /** Time, level, logger and message on one line; a stack trace, when there is one, below it. */
  static final class OneLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

    private final ZoneId zone;

    OneLineFormatter(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public String format(LogRecord record) {
      StringBuilder line =
          new StringBuilder()
              .append(TIME.format(record.getInstant().atZone(zone)))
              .append(' ')
              .append(record.getLevel().getName())
              .append(' ')
              .append(record.getLoggerName())
              .append(": ")
              .append(formatMessage(record))
              .append(System.lineSeparator());
      if (record.getThrown() != null) {
        StringWriter trace = new StringWriter();
        try (PrintWriter out = new PrintWriter(trace)) {
          record.getThrown().printStackTrace(out);
        }
        line.append(trace);
      }
      return line.toString();
    }
  }
}
