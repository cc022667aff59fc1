package io.mlsys.monitoring;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one tumbling window saw: fixed-size counters only (the class map is capped at {@value
 * #MAX_CLASSES} keys), so its memory does not grow with traffic. Mergeable into a sliding view. Not
 * thread-safe: the monitor thread owns it.
 */
final class WindowStats {
  /** Classes tracked per window; the rest count as {@value #OTHER_CLASS}. */
  static final int MAX_CLASSES = 100;

  static final String OTHER_CLASS = "other";
  static final int SCORE_BINS = 20;

  final Instant start;
  long calls;
  long errors;
  long rows;
  long sloViolations;
  final LatencyHistogram latency = new LatencyHistogram();
  final Map<String, Long> classes = new LinkedHashMap<>();
  final long[] scoreBins = new long[SCORE_BINS];
  double scoreSum;
  long scores;
  long repeatedRows;
  int maxRepeats;
  long outliersChecked;
  long outliers;
  long unmatchedRows;
  final FeatureCounts[] features;

  WindowStats(Instant start, List<BaselineFeature> baseline) {
    this.start = start;
    this.features = new FeatureCounts[baseline.size()];
    for (int i = 0; i < features.length; i++) {
      features[i] = new FeatureCounts(baseline.get(i));
    }
  }

  void addClass(String key) {
    String kept = classes.containsKey(key) || classes.size() < MAX_CLASSES ? key : OTHER_CLASS;
    classes.merge(kept, 1L, Long::sum);
  }

  void addScore(double score) {
    if (Double.isNaN(score)) {
      return;
    }
    int bin = (int) Math.floor(Math.min(1, Math.max(0, score)) * SCORE_BINS);
    scoreBins[Math.min(SCORE_BINS - 1, bin)]++;
    scoreSum += score;
    scores++;
  }

  void addAll(WindowStats other) {
    calls += other.calls;
    errors += other.errors;
    rows += other.rows;
    sloViolations += other.sloViolations;
    latency.addAll(other.latency);
    other.classes.forEach(
        (key, count) -> {
          String kept =
              classes.containsKey(key) || classes.size() < MAX_CLASSES ? key : OTHER_CLASS;
          classes.merge(kept, count, Long::sum);
        });
    for (int i = 0; i < SCORE_BINS; i++) {
      scoreBins[i] += other.scoreBins[i];
    }
    scoreSum += other.scoreSum;
    scores += other.scores;
    repeatedRows += other.repeatedRows;
    maxRepeats = Math.max(maxRepeats, other.maxRepeats);
    outliersChecked += other.outliersChecked;
    outliers += other.outliers;
    unmatchedRows += other.unmatchedRows;
    for (int i = 0; i < features.length; i++) {
      features[i].addAll(other.features[i]);
    }
  }
}
