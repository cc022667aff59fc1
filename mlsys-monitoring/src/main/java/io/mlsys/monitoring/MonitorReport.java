package io.mlsys.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.protocol.OipJson;
import io.mlsys.report.SvgChart;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The monitoring report of one model over a time range, computed from the prediction log's JSONL
 * files by replaying their events through the same {@link ModelMonitor} the server runs inline: a
 * self-contained HTML page (inline SVG, no external assets) with each feature's distribution,
 * baseline against the range, drift scores per window, class shares, request counts and latency.
 * Streams the files (memory is the monitors', not the log's).
 */
public final class MonitorReport {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final OipJson OIP = OipJson.create();

  /** A window long enough to hold any range: the report's whole-range view. */
  private static final Duration WHOLE_RANGE = Duration.ofDays(365L * 200);

  /**
   * What to report on.
   *
   * @param model the model
   * @param version its version; null means every version
   * @param from the range's start (inclusive); null means the first event
   * @param to the range's end (exclusive); null means the last event
   * @param config the monitoring settings (window, thresholds); its {@code baseline} is not read
   * @param baseline the baseline; null reports no drift
   */
  public record Options(
      String model,
      String version,
      Instant from,
      Instant to,
      MonitoringConfig config,
      Baseline baseline) {
    public Options {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(config, "config");
    }
  }

  /**
   * The report's numbers: the whole range and each window of it.
   *
   * @param whole the range as one window
   * @param windows the range's tumbling windows
   * @param events events replayed
   * @param skipped events of the model that could not be read (their line is not JSON, or their
   *     payload was hashed or dropped)
   * @param first when the first call replayed ended; null when none
   * @param last when the last one ended; null when none
   */
  public record Result(
      MonitorState whole,
      List<MonitorState.WindowSummary> windows,
      long events,
      long skipped,
      Instant first,
      Instant last) {}

  private MonitorReport() {}

  /**
   * Replays the events of {@code options.model()} from the JSONL files under {@code dir} (in file
   * name order, which is the order they were opened).
   *
   * @throws IOException when a file cannot be read
   */
  public static Result compute(Path dir, Options options) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted().toList();
    }
    Replay replay = replay(options);
    for (Path file : files) {
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          replay.accept(line);
        }
      }
    }
    return replay.result();
  }

  /**
   * A replay that takes events one JSON line at a time, in the order they were recorded, from any
   * source (the JSONL files, the store's table); {@link Replay#result()} ends it.
   */
  public static Replay replay(Options options) {
    return new Replay(options);
  }

  /**
   * Events of one model replayed through a per-window and a whole-range {@link ModelMonitor}; lines
   * of other models, versions or outside the range are passed over. Not thread-safe.
   */
  public static final class Replay {
    private final Options options;
    private final MonitoringConfig windowed;
    private final MonitoringConfig whole;
    private ModelMonitor perWindow;
    private ModelMonitor overall;
    private long events;
    private long skipped;
    private Instant first;
    private Instant last;

    private Replay(Options options) {
      this.options = options;
      this.windowed =
          options.config().withWindow(options.config().window(), 1, MonitoringConfig.MAX_HISTORY);
      this.whole = options.config().withWindow(WHOLE_RANGE, 1, 1);
    }

    /** Takes one prediction log line (of any model: others are passed over). */
    public void accept(String line) {
      if (line.isBlank() || !line.contains(options.model())) {
        return;
      }
      JsonNode event;
      try {
        event = JSON.readTree(line);
      } catch (IOException e) {
        skipped++;
        return;
      }
      if (!options.model().equals(event.path("model_name").asText())
          || (options.version() != null
              && !options.version().equals(event.path("model_version").asText()))) {
        return;
      }
      Observation observation = observation(event);
      if (observation == null) {
        skipped++;
        return;
      }
      Instant end = observation.end();
      if ((options.from() != null && end.isBefore(options.from()))
          || (options.to() != null && !end.isBefore(options.to()))) {
        return;
      }
      if (perWindow == null) {
        Instant start = options.from() != null ? options.from() : end;
        perWindow = monitor(options, windowed, start);
        overall = monitor(options, whole, start);
      }
      perWindow.observe(observation);
      overall.observe(observation);
      events++;
      last = last == null || end.isAfter(last) ? end : last;
      first = first == null || end.isBefore(first) ? end : first;
    }

    /** The report's numbers over what was taken. */
    public Result result() {
      Instant start = options.from() != null ? options.from() : Instant.EPOCH;
      if (perWindow == null) {
        perWindow = monitor(options, windowed, start);
        overall = monitor(options, whole, start);
      }
      Instant lastSeen = last != null ? last : start;
      Instant end = options.to() != null ? options.to() : lastSeen.plus(options.config().window());
      MonitorState windows = perWindow.state(end);
      MonitorState range = overall.state(lastSeen);
      return new Result(range, windows.history(), events, skipped, first, last);
    }
  }

  private static ModelMonitor monitor(Options options, MonitoringConfig config, Instant start) {
    return new ModelMonitor(
        options.model(), options.version(), config, options.baseline(), null, start);
  }

  /** An event as a call; null when its inputs are not kept in full. */
  static Observation observation(JsonNode event) {
    try {
      Instant start = Instant.parse(event.path("time").asText());
      Instant end = start.plusNanos(event.path("latency_us").asLong() * 1000);
      JsonNode inputs = event.get("inputs");
      if (inputs == null || !inputs.isArray()) {
        return null;
      }
      ObjectNode request = JSON.createObjectNode();
      request.set("inputs", inputs);
      InferRequest parsed = OIP.readInferRequest(JSON.writeValueAsBytes(request));
      InferResponse response = null;
      if ("ok".equals(event.path("status").asText())) {
        JsonNode outputs = event.get("outputs");
        ObjectNode body = JSON.createObjectNode();
        body.put("model_name", event.path("model_name").asText());
        body.set(
            "outputs", outputs == null || !outputs.isArray() ? JSON.createArrayNode() : outputs);
        try {
          response = OIP.readInferResponse(JSON.writeValueAsBytes(body));
        } catch (RuntimeException e) {
          // Outputs hashed or dropped: the call still counts, without classes or scores.
          response =
              new InferResponse(event.path("model_name").asText(), null, null, List.of(), Map.of());
        }
      }
      return new Observation(start, end, parsed, response);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The report as one self-contained HTML page. */
  public static String html(Result result, Options options) {
    MonitorState whole = result.whole();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape("Monitoring report: " + options.model()))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append(
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f4f4f4}.drift{color:#b00020;font-weight:bold}.ok{color:#1b5e20}")
        .append("figure{display:inline-block;margin:1em}figcaption{font-size:90%}")
        .append("</style></head><body>\n");
    html.append("<h1>Monitoring report: ").append(escape(options.model()));
    if (options.version() != null) {
      html.append(" version ").append(escape(options.version()));
    }
    html.append("</h1>\n<p>")
        .append(result.events())
        .append(" calls from ")
        .append(escape(String.valueOf(options.from() != null ? options.from() : result.first())))
        .append(" to ")
        .append(escape(String.valueOf(options.to() != null ? options.to() : result.last())))
        .append("; ")
        .append(result.skipped())
        .append(" events skipped (payload not logged in full). Baseline: ")
        .append(escape(whole.baseline() == null ? "none" : whole.baseline()))
        .append(". Window: ")
        .append(options.config().window().toSeconds())
        .append(" s.</p>\n");
    MonitorState.Sliding all = whole.current();
    html.append("<h2>Summary</h2><table><tr><th>calls</th><th>errors</th><th>p50 latency</th>")
        .append(
            "<th>p99 latency</th><th>over SLO</th><th>repeated inputs</th><th>mean top score</th></tr><tr>")
        .append(td(all.calls()))
        .append(td(all.errors()))
        .append(td(seconds(all.latencyP50Seconds())))
        .append(td(seconds(all.latencyP99Seconds())))
        .append(td(percent(all.sloViolationRatio())))
        .append(td(percent(all.repeatedInputRatio())))
        .append(td(number(all.scoreMean())))
        .append("</tr></table>\n");
    if (!whole.features().isEmpty()) {
      html.append("<h2>Feature drift over the range</h2><table><tr><th>feature</th><th>values</th>")
          .append("<th>mean</th><th>baseline mean</th><th>mean shift</th><th>PSI</th><th>KS</th>")
          .append("<th>KS p-value</th><th>Wasserstein (normed)</th><th>Jensen-Shannon</th>")
          .append("<th>decided by</th><th>drifted</th></tr>\n");
      for (MonitorState.FeatureDrift f : whole.features()) {
        html.append("<tr><th>")
            .append(escape(f.feature()))
            .append("</th>")
            .append(td(f.count()))
            .append(td(number(f.mean())))
            .append(td(number(f.baselineMean())))
            .append(td(percent(f.meanShift())))
            .append(td(number(f.scores().get(Drift.PSI))))
            .append(td(number(f.scores().get(Drift.KS))))
            .append(td(number(f.ksPValue())))
            .append(td(number(f.scores().get(Drift.WASSERSTEIN))))
            .append(td(number(f.scores().get(Drift.JENSEN_SHANNON))))
            .append(td(f.method()))
            .append("<td class=\"")
            .append(f.drifted() ? "drift\">yes" : "ok\">no")
            .append("</td></tr>\n");
      }
      html.append("</table>\n<h2>Distributions: baseline against the range</h2>\n");
      for (MonitorState.FeatureDrift f : whole.features()) {
        html.append(Svg.distribution(f));
      }
      html.append("<h2>Drift score per window</h2>\n");
      for (MonitorState.FeatureDrift f : whole.features()) {
        List<Instant> times = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (MonitorState.WindowSummary window : result.windows()) {
          Double value = window.drift().get(f.feature());
          if (value != null) {
            times.add(window.start());
            values.add(value);
          }
        }
        html.append(
            Svg.line(
                f.feature() + " (" + f.method() + ")",
                times,
                List.of(values),
                List.of(f.method()),
                f.method().equals(Drift.KS) ? Double.NaN : f.threshold()));
      }
    }
    html.append("<h2>Traffic per window</h2>\n");
    List<Instant> times = new ArrayList<>();
    List<Double> calls = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    List<String> classes = new ArrayList<>(all.classShares().keySet());
    List<List<Double>> shares = new ArrayList<>();
    classes.forEach(c -> shares.add(new ArrayList<>()));
    for (MonitorState.WindowSummary window : result.windows()) {
      times.add(window.start());
      calls.add((double) window.calls());
      errors.add(window.calls() == 0 ? 0 : (double) window.errors() / window.calls());
      p99.add(window.latencyP99Seconds() == null ? Double.NaN : window.latencyP99Seconds() * 1000);
      for (int i = 0; i < classes.size(); i++) {
        shares.get(i).add(window.classShares().getOrDefault(classes.get(i), 0.0));
      }
    }
    html.append(Svg.line("calls per window", times, List.of(calls), List.of("calls"), Double.NaN));
    html.append(Svg.line("error ratio", times, List.of(errors), List.of("errors"), Double.NaN));
    html.append(
        Svg.line(
            "p99 latency (ms)",
            times,
            List.of(p99),
            List.of("p99"),
            options.config().latencySlo().toNanos() / 1e6));
    if (!classes.isEmpty()) {
      html.append(Svg.line("class shares", times, shares, classes, Double.NaN));
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  private static String td(Object value) {
    return "<td>" + escape(String.valueOf(value)) + "</td>";
  }

  static String number(Double value) {
    return SvgChart.number(value);
  }

  private static String percent(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.2f%%", value * 100);
  }

  private static String seconds(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.3f ms", value * 1000);
  }

  static String escape(String text) {
    return SvgChart.escape(text);
  }
}
