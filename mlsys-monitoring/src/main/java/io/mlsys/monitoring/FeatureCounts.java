package io.mlsys.monitoring;

import java.util.Map;

/**
 * What a window saw of one feature, binned like its {@link BaselineFeature}: a fixed number of
 * counters however many values arrive, and mergeable (a sliding window is the sum of its tumbling
 * windows). Not thread-safe: one monitor thread owns it.
 */
final class FeatureCounts {
  final BaselineFeature feature;
  final long[] bins;
  long missing;
  double sum;
  // How far values beyond the baseline's range lie past it, summed: the transport cost the
  // Wasserstein distance adds for mass outside the baseline's bins.
  double belowDistance;
  double aboveDistance;
  private float[] floatEdges;

  FeatureCounts(BaselineFeature feature) {
    this.feature = feature;
    this.bins = new long[feature.bins()];
  }

  void addNumber(double value) {
    add(value, false);
  }

  /**
   * A value of an FP32 input: binned against the edges rounded to float, so that 2.9f lands where
   * the baseline's 2.9 does (as a double, 2.9f is a little above 2.9 and would move every tied
   * value one bin up).
   */
  void addFloat(float value) {
    add(value, true);
  }

  private void add(double value, boolean single) {
    if (Double.isNaN(value)) {
      missing++;
      return;
    }
    if (feature.kind() == BaselineFeature.Kind.CATEGORICAL) {
      addCategory(
          canonical(single ? Double.parseDouble(Float.toString((float) value)) : value), null);
      return;
    }
    int bin = single ? floatBin((float) value) : feature.numericBin(value);
    bins[bin]++;
    sum += value;
    double[] edges = feature.edges();
    if (bin == 0) {
      belowDistance += edges[0] - value;
    } else if (bin == bins.length - 1) {
      aboveDistance += value - edges[edges.length - 1];
    }
  }

  private int floatBin(float value) {
    if (floatEdges == null) {
      double[] edges = feature.edges();
      floatEdges = new float[edges.length];
      for (int i = 0; i < edges.length; i++) {
        floatEdges[i] = (float) edges[i];
      }
    }
    if (value < floatEdges[0]) {
      return 0;
    }
    if (value > floatEdges[floatEdges.length - 1]) {
      return floatEdges.length;
    }
    int found = java.util.Arrays.binarySearch(floatEdges, value);
    // Equal float edges (distinct doubles rounding alike): the first of them.
    while (found > 0 && floatEdges[found - 1] == value) {
      found--;
    }
    int upper = found >= 0 ? found : -found - 1;
    return Math.max(upper, 1);
  }

  void addCategory(String value, Map<String, Integer> index) {
    if (value == null) {
      missing++;
      return;
    }
    if (feature.kind() == BaselineFeature.Kind.NUMERIC) {
      double number;
      try {
        number = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        missing++;
        return;
      }
      addNumber(number);
      return;
    }
    int bin = index != null ? feature.categoryBin(value, index) : categoryBin(value);
    bins[bin]++;
  }

  private int categoryBin(String value) {
    int at = feature.categories().indexOf(value);
    return at < 0 ? feature.categories().size() : at;
  }

  /** A number as a category: integral values without a fraction, as a CSV would spell them. */
  static String canonical(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }

  long count() {
    long total = 0;
    for (long bin : bins) {
      total += bin;
    }
    return total;
  }

  void addAll(FeatureCounts other) {
    for (int i = 0; i < bins.length; i++) {
      bins[i] += other.bins[i];
    }
    missing += other.missing;
    sum += other.sum;
    belowDistance += other.belowDistance;
    aboveDistance += other.aboveDistance;
  }
}
