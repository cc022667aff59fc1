package io.mlsys.monitoring;

import static io.mlsys.report.SvgChart.HEIGHT;
import static io.mlsys.report.SvgChart.MARGIN;
import static io.mlsys.report.SvgChart.WIDTH;
import static io.mlsys.report.SvgChart.bar;
import static io.mlsys.report.SvgChart.close;
import static io.mlsys.report.SvgChart.legend;
import static io.mlsys.report.SvgChart.open;
import static io.mlsys.report.SvgChart.text;

import io.mlsys.report.SvgChart;
import java.time.Instant;
import java.util.List;

/** The monitoring report's charts, drawn with {@link SvgChart}. */
final class Svg {
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
    return SvgChart.line(title, times, series, names, threshold);
  }
}
