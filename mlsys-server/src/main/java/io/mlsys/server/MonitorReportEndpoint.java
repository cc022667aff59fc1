package io.mlsys.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderValues;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import io.mlsys.monitoring.MonitorReport;
import io.mlsys.monitoring.Monitors;
import io.mlsys.predictionlog.EventQuery;
import io.mlsys.predictionlog.PredictionLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /v2/models/{m}/monitor/report?from=&to=&version=}: the HTML monitoring report of a
 * model ({@code mlsys monitor report}) computed from the prediction log's store, for the events
 * that started in {@code [from, to)} (ISO-8601 instants; default the last 24 hours up to now). The
 * window, thresholds and baseline are those of the model's monitor when it is monitored, else the
 * defaults without drift. A model without events in the range gets a report that says so; 409
 * (failed precondition) when the prediction log has no store. Protected like the other management
 * reads ({@code GET /v2/models/{m}/monitor}).
 */
final class MonitorReportEndpoint {
  static final String PATH = "/v2/models/{model}/monitor/report";

  /** The range of a request that names no {@code from}. */
  static final Duration DEFAULT_RANGE = Duration.ofDays(1);

  private static final Header HTML =
      HeaderValues.create("Content-Type", "text/html; charset=utf-8");

  private final PredictionLog log;
  private final Monitors monitors;
  private final Clock clock;

  /**
   * @param monitors the server's monitors, for a monitored model's settings and baseline; null when
   *     nothing is monitored
   */
  MonitorReportEndpoint(PredictionLog log, Monitors monitors, Clock clock) {
    this.log = log;
    this.monitors = monitors;
    this.clock = clock;
  }

  void addTo(RouteTable routes) {
    routes.get(PATH, Protocol.MANAGEMENT, Access.READ, this::report);
  }

  Reply report(Exchange exchange) {
    String model = exchange.pathParameter("model");
    if (!ModelNames.isValidName(model)) {
      throw new InvalidInputException("model", "not a model name");
    }
    String version = exchange.query("version");
    Instant to = instant(exchange, "to");
    Instant from = instant(exchange, "from");
    if (to == null) {
      to = clock.instant();
    }
    if (from == null) {
      from = to.minus(DEFAULT_RANGE);
    }
    if (!from.isBefore(to)) {
      throw new InvalidInputException("from", from + " (expected: before to " + to + ")");
    }
    MonitorReport.Options options =
        monitors != null
            ? monitors.reportOptions(model, version, from, to)
            : new MonitorReport.Options(
                model, version, from, to, io.mlsys.monitoring.MonitoringConfig.defaults(), null);
    MonitorReport.Replay replay = MonitorReport.replay(options);
    try {
      log.readEvents(
          new EventQuery(model, version, from, to), event -> replay.accept(event.toJson()));
    } catch (UnsupportedOperationException e) {
      throw new FailedPreconditionException(
          "the monitoring report reads the prediction log's store: set"
              + " prediction-log.store.enabled: true");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the prediction log flushed", e);
    }
    byte[] html = MonitorReport.html(replay.result(), options).getBytes(StandardCharsets.UTF_8);
    return Reply.of(200, html, HTML);
  }

  private static Instant instant(Exchange exchange, String name) {
    String text = exchange.query(name);
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(
          name, text + " (expected: an ISO-8601 instant such as 2026-01-01T00:00:00Z)");
    }
  }
}
