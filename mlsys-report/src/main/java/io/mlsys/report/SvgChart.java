package io.mlsys.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Small inline SVG charts for the HTML reports: a fixed-size canvas with a base line, a title,
 * bars, lines, text and a legend. No scripts, no external assets, so a report is one file that
 * opens anywhere.
 */
public final class SvgChart {
  public static final int WIDTH = 480;
  public static final int HEIGHT = 200;
  public static final int MARGIN = 36;

  /** The series colors, in order; a ninth series takes the first again. */
  public static final List<String> COLORS =
      List.of(
          "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f");

  private SvgChart() {}

  /** The color of series {@code index}. */
  public static String color(int index) {
    return COLORS.get(index % COLORS.size());
  }

  /** A new chart: the canvas, its base line and {@code title} on top. */
  public static StringBuilder open(String title) {
    StringBuilder svg =
        new StringBuilder("<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
    svg.append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" role=\"img\"><title>")
        .append(escape(title))
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

  /** Ends the chart with {@code caption} under it. */
  public static String close(StringBuilder svg, String caption) {
    return svg.append("</svg><figcaption>")
        .append(escape(caption))
        .append("</figcaption></figure>\n")
        .toString();
  }

  /** The x of point {@code i} of {@code n} spread across the plot area. */
  public static double x(int i, int n) {
    return n <= 1 ? MARGIN : MARGIN + (WIDTH - 2.0 * MARGIN) * i / (n - 1);
  }

  /** The y of a value at {@code fraction} (0 to 1) of the plot area's height. */
  public static double y(double fraction) {
    return HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * fraction;
  }

  /** A bar from the base line up to {@code fraction} of the plot area's height. */
  public static void bar(StringBuilder svg, double x, double width, double fraction, String color) {
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

  /** A legend in the top right corner: up to eight names with their colors. */
  public static void legend(StringBuilder svg, List<String> names, List<String> colors) {
    for (int i = 0; i < names.size() && i < COLORS.size(); i++) {
      double x = WIDTH - MARGIN - 90;
      double y = MARGIN + 4 + i * 14;
      svg.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y - 8));
      svg.append("\" width=\"10\" height=\"10\" fill=\"").append(colors.get(i)).append("\"/>\n");
      text(svg, x + 14, y + 1, names.get(i), "start");
    }
  }

  /** A legend of series colored in {@link #COLORS} order. */
  public static void legend(StringBuilder svg, List<String> names) {
    List<String> colors = new ArrayList<>(names.size());
    for (int s = 0; s < names.size(); s++) {
      colors.add(color(s));
    }
    legend(svg, names, colors);
  }

  /** Text at ({@code x}, {@code y}), anchored {@code start}, {@code middle} or {@code end}. */
  public static void text(StringBuilder svg, double x, double y, String text, String anchor) {
    svg.append("<text font-size=\"11\" x=\"")
        .append(fmt(x))
        .append("\" y=\"")
        .append(fmt(y))
        .append("\" text-anchor=\"")
        .append(anchor)
        .append("\">")
        .append(escape(text))
        .append("</text>\n");
  }

  /** Lines over time, one per series, and a dashed threshold when it is a number. */
  public static String line(
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
        if (!Double.isNaN(values.get(i))) {
          points.append(fmt(x(i, n))).append(',').append(fmt(y(values.get(i) / max))).append(' ');
        }
      }
      svg.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"")
          .append(color(s))
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
    text(svg, MARGIN - 4, MARGIN + 4, number(max), "end");
    if (n > 0) {
      text(svg, MARGIN, HEIGHT - MARGIN + 14, times.get(0).toString(), "start");
      text(svg, WIDTH - MARGIN, HEIGHT - MARGIN + 14, times.get(n - 1).toString(), "end");
    }
    legend(svg, names);
    return close(svg, title);
  }

  /** A coordinate, one decimal. */
  public static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** A number for a reader: four significant digits, {@code -} for none. */
  public static String number(Double value) {
    return value == null || value.isNaN() ? "-" : String.format(Locale.ROOT, "%.4g", value);
  }

  /** Text safe inside HTML and SVG elements and attribute values. */
  public static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
