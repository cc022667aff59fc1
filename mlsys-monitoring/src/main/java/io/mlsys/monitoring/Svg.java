package io.mlsys.monitoring;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Small inline SVG charts for the report: no scripts, no external assets. */
final class Svg {
  private static final int WIDTH = 480;
  private static final int HEIGHT = 200;
  private static final int MARGIN = 36;
  private static final String[] COLORS = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"
  };

  private Svg() {}

  /** Bars per bin: the baseline's share (grey) and the range's (blue). */
  static String distribution(MonitorState.FeatureDrift feature) {
    List<Double> baseline = feature.baselineShares();
    List<Double> current = feature.currentShares();
    double max = 1e-9;
    for (int i = 0; i < baseline.size(); i++) {
      max = Math.max(max, Math.max(baseline.get(i), current.get(i)));
    }
    StringBuilder svg = open(feature.feature() + (feature.drifted() ? " (drifted)" : ""));
    int bins = baseline.size();
    double slot = (WIDTH - 2.0 * MARGIN) / bins;
    for (int i = 0; i < bins; i++) {
      double x = MARGIN + i * slot;
      bar(svg, x, slot / 2, baseline.get(i) / max, "#9e9e9e");
      bar(svg, x + slot / 2, slot / 2, current.get(i) / max, "#1f77b4");
    }
    List<String> edges = feature.binEdges();
    if (!edges.isEmpty()) {
      text(svg, MARGIN, HEIGHT - MARGIN + 14, edges.get(0), "start");
      text(svg, WIDTH - MARGIN, HEIGHT - MARGIN + 14, edges.get(edges.size() - 1), "end");
    }
    legend(svg, List.of("baseline", "range"), List.of("#9e9e9e", "#1f77b4"));
    return close(
        svg, feature.feature() + ": share per bin, baseline (grey) against the range (blue)");
  }

  /** Lines over time, one per series, and a dashed threshold when it is a number. */
  static String line(
      String title,
      List<Instant> times,
      List<List<Double>> series,
      List<String> names,
      double threshold) {
    StringBuilder svg = open(title);
    double max = Double.isNaN(threshold) ? 1e-9 : threshold;
    for (List<Double> values : series) {
      for (double value : values) {
        if (!Double.isNaN(value)) {
          max = Math.max(max, value);
        }
      }
    }
    max *= 1.1;
    int n = times.size();
    for (int s = 0; s < series.size(); s++) {
      StringBuilder points = new StringBuilder();
      List<Double> values = series.get(s);
      for (int i = 0; i < n && i < values.size(); i++) {
        if (Double.isNaN(values.get(i))) {
          continue;
        }
        points.append(fmt(x(i, n))).append(',').append(fmt(y(values.get(i) / max))).append(' ');
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
          .append(COLORS[s % COLORS.length])
          .append("\" points=\"")
          .append(points)
          .append("\"/>\n");
    }
    if (!Double.isNaN(threshold)) {
      double y = y(threshold / max);
      svg.append("<line stroke=\"#b00020\" stroke-dasharray=\"4 3\" x1=\"")
          .append(MARGIN)
          .append("\" x2=\"")
          .append(WIDTH - MARGIN)
          .append("\" y1=\"")
          .append(fmt(y))
          .append("\" y2=\"")
          .append(fmt(y))
          .append("\"/>\n");
    }
    text(svg, MARGIN - 4, MARGIN + 4, MonitorReport.number(max), "end");
    if (n > 0) {
      text(svg, MARGIN, HEIGHT - MARGIN + 14, times.get(0).toString(), "start");
      text(svg, WIDTH - MARGIN, HEIGHT - MARGIN + 14, times.get(n - 1).toString(), "end");
    }
    List<String> colors = new java.util.ArrayList<>();
    for (int s = 0; s < names.size(); s++) {
      colors.add(COLORS[s % COLORS.length]);
    }
    legend(svg, names, colors);
    return close(svg, title);
  }

  private static double x(int i, int n) {
    return n <= 1 ? MARGIN : MARGIN + (WIDTH - 2.0 * MARGIN) * i / (n - 1);
  }

  private static double y(double fraction) {
    return HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * fraction;
  }

  private static void bar(
      StringBuilder svg, double x, double width, double fraction, String color) {
    double height = (HEIGHT - 2.0 * MARGIN) * fraction;
    svg.append("<rect x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(HEIGHT - MARGIN - height))
        .append("\" width=\"")
        .append(fmt(Math.max(0.5, width - 0.5)))
        .append("\" height=\"")
        .append(fmt(height))
        .append("\" fill=\"")
        .append(color)
        .append("\"/>\n");
  }

  private static StringBuilder open(String title) {
    StringBuilder svg =
        new StringBuilder("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    svg.append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" role=\"img\"><title>")
        .append(MonitorReport.escape(title))
        .append("</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\" stroke=\"#ddd\"/>\n")
        .append("<line stroke=\"#888\" x1=\"")
        .append(MARGIN)
        .append("\" y1=\"")
        .append(HEIGHT - MARGIN)
        .append("\" x2=\"")
        .append(WIDTH - MARGIN)
        .append("\" y2=\"")
        .append(HEIGHT - MARGIN)
        .append("\"/>\n");
    text(svg, WIDTH / 2.0, 16, title, "middle");
    return svg;
  }

  private static void legend(StringBuilder svg, List<String> names, List<String> colors) {
    for (int i = 0; i < names.size() && i < 8; i++) {
      double x = WIDTH - MARGIN - 90;
      double y = MARGIN + 4 + i * 14;
      svg.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y - 8));
      svg.append("\" width=\"10\" height=\"10\" fill=\"").append(colors.get(i)).append("\"/>\n");
      text(svg, x + 14, y + 1, names.get(i), "start");
    }
  }

  private static String close(StringBuilder svg, String caption) {
    return svg.append("</svg><figcaption>")
        .append(MonitorReport.escape(caption))
        .append("</figcaption></figure>\n")
        .toString();
  }

  private static void text(StringBuilder svg, double x, double y, String text, String anchor) {
    svg.append("<text font-size=\"11\" x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(y))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\">")
        .append(MonitorReport.escape(text))
        .append("</text>\n");
  }

  private static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
