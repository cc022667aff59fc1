package io.mlsys.experiments;

import static io.mlsys.report.SvgChart.HEIGHT;
import static io.mlsys.report.SvgChart.MARGIN;
import static io.mlsys.report.SvgChart.WIDTH;
import static io.mlsys.report.SvgChart.close;
import static io.mlsys.report.SvgChart.color;
import static io.mlsys.report.SvgChart.fmt;
import static io.mlsys.report.SvgChart.legend;
import static io.mlsys.report.SvgChart.line;
import static io.mlsys.report.SvgChart.open;
import static io.mlsys.report.SvgChart.text;
import static io.mlsys.report.SvgChart.y;

import io.mlsys.report.SvgChart;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The experiment report as one self-contained HTML page: tables from the JSON report, and inline
 * SVG plots (no scripts, no external assets), as {@code mlsys monitor report} draws them.
 */
final class ExperimentHtml {
  private static final int BINS = 20;

  private ExperimentHtml() {}

  /**
   * @param online the split's analysis; null for a mirror
   */
  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> report, OnlineAnalysis.Result online) {
    StringBuilder html = new StringBuilder();
    String name = String.valueOf(report.get("name"));
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(escape("Experiment report: " + name))
        .append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
        .append("th{background:#f4f4f4}.bad{color:#b00020;font-weight:bold}")
        .append(".good{color:#1b5e20;font-weight:bold}")
        .append("figure{display:inline-block;margin:1em}figcaption{font-size:90%}")
        .append("</style></head><body>\n");
    html.append("<h1>Experiment report: ")
        .append(escape(name))
        .append("</h1>\n<p>")
        .append(escape(report.get("kind") + ", state " + report.get("state")))
        .append(report.get("winner") == null ? "" : escape(", winner " + report.get("winner")))
        .append(". Generated ")
        .append(escape(String.valueOf(report.get("generated"))))
        .append("; range ")
        .append(escape(report.get("from") == null ? "start" : report.get("from").toString()))
        .append(" to ")
        .append(escape(report.get("to") == null ? "now" : report.get("to").toString()))
        .append(".</p>\n");
    if (online != null) {
      split(html, report, online);
    } else {
      mirror(html, (Map<String, Object>) report.get("candidates"));
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  @SuppressWarnings("unchecked")
  private static void split(
      StringBuilder html, Map<String, Object> report, OnlineAnalysis.Result online) {
    String verdict = online.verdict();
    html.append("<h2>Verdict: <span class=\"")
        .append(verdict.equals(OnlineAnalysis.WINNER) ? "good" : "bad")
        .append("\">")
        .append(escape(verdict + (online.best() == null ? "" : " (" + online.best() + ")")))
        .append("</span></h2>\n<p>")
        .append(escape(online.reason()))
        .append("</p>\n");
    Map<String, Object> srm = (Map<String, Object>) report.get("sample_ratio_mismatch");
    html.append("<p>Sample ratio: chi-square p-value ")
        .append(number((Double) srm.get("p_value")))
        .append(
            Boolean.TRUE.equals(srm.get("mismatch"))
                ? " <span class=\"bad\">MISMATCH</span>"
                : " (ok)")
        .append(". Metric: ")
        .append(escape(String.valueOf(report.get("metric"))))
        .append(".</p>\n");
    html.append("<table><tr><th>arm</th><th>calls</th><th>units</th><th>expected share</th>")
        .append("<th>units with outcome</th><th>mean</th><th>95% interval</th><th>errors</th>")
        .append("<th>p50 latency</th><th>p99 latency</th><th>guardrail</th></tr>\n");
    List<Map<String, Object>> arms = (List<Map<String, Object>>) report.get("arms");
    for (int i = 0; i < arms.size(); i++) {
      Map<String, Object> arm = arms.get(i);
      OnlineAnalysis.ArmOutcome outcome = online.arms().get(i);
      OnlineAnalysis.Guard guard = online.guards().get(i);
      html.append("<tr><th>")
          .append(escape(String.valueOf(arm.get("name"))))
          .append("</th>")
          .append(td(arm.get("count")))
          .append(td(arm.get("units")))
          .append(td(number((Double) arm.get("expected_share"))))
          .append(td(outcome.units()))
          .append(td(number(outcome.mean())))
          .append(td("[" + number(outcome.low()) + ", " + number(outcome.high()) + "]"))
          .append(td(guard.errors() + " (" + number(guard.errorRate()) + ")"))
          .append(td(micros(guard.p50Micros())))
          .append(td(micros(guard.p99Micros())))
          .append("<td class=\"")
          .append(guard.breached() ? "bad\">" + escape(guard.reason()) : "good\">ok")
          .append("</td></tr>\n");
    }
    html.append("</table>\n<table><tr><th>arm vs control</th><th>difference</th>")
        .append("<th>always-valid interval</th><th>always-valid p</th><th>significant</th>")
        .append("<th>equivalent</th></tr>\n");
    for (OnlineAnalysis.Comparison c : online.comparisons()) {
      html.append("<tr><th>")
          .append(escape(c.arm() + " vs " + c.control()))
          .append("</th>")
          .append(td(number(c.difference())))
          .append(td("[" + number(c.low()) + ", " + number(c.high()) + "]"))
          .append(td(number(c.pValue())))
          .append(td(c.significant()))
          .append(td(c.equivalent()))
          .append("</tr>\n");
    }
    html.append("</table>\n<p>Thresholds: ")
        .append(escape(String.valueOf(report.get("thresholds"))))
        .append("</p>\n<h2>Arms over time</h2>\n");
    List<String> names = online.arms().stream().map(OnlineAnalysis.ArmOutcome::arm).toList();
    List<Instant> times = new ArrayList<>();
    List<List<Double>> units = new ArrayList<>();
    List<List<Double>> means = new ArrayList<>();
    List<List<Double>> pValues = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      units.add(new ArrayList<>());
      means.add(new ArrayList<>());
      pValues.add(new ArrayList<>());
    }
    for (OnlineAnalysis.Point point : online.timeline()) {
      times.add(Instant.EPOCH.plus(point.timeMicros(), ChronoUnit.MICROS));
      for (int i = 0; i < names.size(); i++) {
        units.get(i).add((double) point.units()[i]);
        means.get(i).add(point.means()[i]);
        pValues.get(i).add(point.pValues()[i]);
      }
    }
    html.append(line("units with an outcome (cumulative)", times, units, names, Double.NaN));
    html.append(line("mean outcome (cumulative)", times, means, names, Double.NaN));
    html.append(
        line(
            "always-valid p-value against the control",
            times,
            pValues.subList(1, pValues.size()),
            names.subList(1, names.size()),
            online.alphaPerComparison()));
    html.append("<h2>Intervals</h2>\n").append(intervals(online));
    html.append("<h2>Distributions</h2>\n");
    List<double[]> values = new ArrayList<>();
    online.arms().forEach(a -> values.add(a.values()));
    html.append(histogram("per-unit outcome", values, names));
    List<double[]> latencies = new ArrayList<>();
    for (OnlineAnalysis.Guard guard : online.guards()) {
      double[] ms = new double[guard.latenciesMicros().length];
      for (int i = 0; i < ms.length; i++) {
        ms[i] = guard.latenciesMicros()[i] / 1000.0;
      }
      latencies.add(ms);
    }
    html.append(histogram("latency (ms)", latencies, names));
  }

  @SuppressWarnings("unchecked")
  private static void mirror(StringBuilder html, Map<String, Object> candidates) {
    html.append("<table><tr><th>candidate</th><th>pairs</th><th>agreement</th>")
        .append("<th>95% interval</th><th>verdict</th></tr>\n");
    List<String> names = new ArrayList<>();
    List<double[]> intervals = new ArrayList<>();
    for (Map.Entry<String, Object> entry : candidates.entrySet()) {
      Map<String, Object> c = (Map<String, Object>) entry.getValue();
      List<Double> interval = (List<Double>) c.get("agreement_interval");
      Double rate = (Double) c.get("agreement_rate");
      names.add(entry.getKey());
      intervals.add(
          new double[] {rate == null ? Double.NaN : rate, interval.get(0), interval.get(1)});
      html.append("<tr><th>")
          .append(escape(entry.getKey()))
          .append("</th>")
          .append(td(c.get("pairs")))
          .append(td(number(rate)))
          .append(td("[" + number(interval.get(0)) + ", " + number(interval.get(1)) + "]"))
          .append(td(c.get("verdict")))
          .append("</tr>\n");
    }
    html.append("</table>\n").append(intervalChart("agreement rate", names, intervals));
  }

  private static String intervals(OnlineAnalysis.Result online) {
    List<String> names = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (OnlineAnalysis.ArmOutcome arm : online.arms()) {
      names.add(arm.arm());
      values.add(new double[] {arm.mean(), arm.low(), arm.high()});
    }
    return intervalChart("mean outcome and 95% interval per arm", names, values);
  }

  /** A point and a whisker per row: {@code [value, low, high]}. */
  private static String intervalChart(String title, List<String> names, List<double[]> rows) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] row : rows) {
      for (double v : row) {
        if (!Double.isNaN(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (min > max) {
      min = 0;
      max = 1;
    }
    double pad = (max - min) * 0.1 + 1e-9;
    min -= pad;
    max += pad;
    StringBuilder svg = open(title);
    double slot = (HEIGHT - 2.0 * MARGIN) / Math.max(1, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      double[] row = rows.get(i);
      double y = MARGIN + slot * (i + 0.5);
      String color = color(i);
      if (!Double.isNaN(row[1]) && !Double.isNaN(row[2])) {
        svg.append("<line stroke-width=\"2\" stroke=\"")
            .append(color)
            .append("\" x1=\"")
            .append(fmt(scale(row[1], min, max)))
            .append("\" x2=\"")
            .append(fmt(scale(row[2], min, max)))
            .append("\" y1=\"")
            .append(fmt(y))
            .append("\" y2=\"")
            .append(fmt(y))
            .append("\"/>\n");
      }
      if (!Double.isNaN(row[0])) {
        svg.append("<circle r=\"4\" fill=\"")
            .append(color)
            .append("\" cx=\"")
            .append(fmt(scale(row[0], min, max)))
            .append("\" cy=\"")
            .append(fmt(y))
            .append("\"/>\n");
      }
      text(svg, MARGIN - 4, y + 4, names.get(i), "end");
    }
    text(svg, MARGIN, HEIGHT - MARGIN + 14, number(min), "start");
    text(svg, WIDTH - MARGIN, HEIGHT - MARGIN + 14, number(max), "end");
    return close(svg, title);
  }

  private static double scale(double value, double min, double max) {
    return MARGIN + (WIDTH - 2.0 * MARGIN) * (value - min) / (max - min);
  }

  /** Bars per bin and series, each series as shares of its own count. */
  private static String histogram(String title, List<double[]> series, List<String> names) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double[] values : series) {
      for (double v : values) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    StringBuilder svg = open(title);
    if (min > max) {
      return close(svg, title + ": no data");
    }
    double width = max > min ? (max - min) / BINS : 1;
    double[][] shares = new double[series.size()][BINS];
    double top = 1e-9;
    for (int s = 0; s < series.size(); s++) {
      double[] values = series.get(s);
      for (double v : values) {
        int bin = (int) Math.min(BINS - 1, Math.floor((v - min) / width));
        shares[s][bin] += 1.0 / values.length;
      }
      for (double share : shares[s]) {
        top = Math.max(top, share);
      }
    }
    double slot = (WIDTH - 2.0 * MARGIN) / BINS;
    double bar = slot / Math.max(1, series.size());
    for (int b = 0; b < BINS; b++) {
      for (int s = 0; s < series.size(); s++) {
        double h = (HEIGHT - 2.0 * MARGIN) * shares[s][b] / top;
        svg.append("<rect x=\"")
            .append(fmt(MARGIN + b * slot + s * bar))
            .append("\" y=\"")
            .append(fmt(HEIGHT - MARGIN - h))
            .append("\" width=\"")
            .append(fmt(Math.max(0.5, bar - 0.5)))
            .append("\" height=\"")
            .append(fmt(h))
            .append("\" fill=\"")
            .append(color(s))
            .append("\"/>\n");
      }
    }
    text(svg, MARGIN, HEIGHT - MARGIN + 14, number(min), "start");
    text(svg, WIDTH - MARGIN, HEIGHT - MARGIN + 14, number(max), "end");
    legend(svg, names);
    return close(svg, title + ": share of each arm per bin");
  }

  private static String td(Object value) {
    return "<td>" + escape(String.valueOf(value)) + "</td>";
  }

  static String number(Double value) {
    return SvgChart.number(value);
  }

  private static String micros(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f ms", value / 1000);
  }

  static String escape(String text) {
    return SvgChart.escape(text);
  }
}
