package io.mlsys.experiments;

import java.util.Arrays;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/** The statistics of the reports. */
final class Stats {
  /** z for a two-sided 95% interval. */
  static final double Z_95 = 1.959963984540054;

  private Stats() {}

  /**
   * The Wilson score interval of a proportion (sound near 0 and 1 and for small n, unlike the
   * normal approximation): {@code [low, high]}; {@code [0, 1]} when {@code n} is 0.
   */
  static double[] wilson(long successes, long n, double z) {
    if (n == 0) {
      return new double[] {0, 1};
    }
    double p = (double) successes / n;
    double z2 = z * z;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2.0 * n)) / denominator;
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denominator;
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /**
   * Pearson's chi-square goodness of fit of {@code observed} against {@code expectedShares}
   * (summing to 1): {@code [statistic, p-value]}. Categories expected to get nothing are left out;
   * with fewer than two left, or no observation, {@code [0, 1]}.
   */
  static double[] chiSquare(long[] observed, double[] expectedShares) {
    long total = Arrays.stream(observed).sum();
    double statistic = 0;
    int categories = 0;
    for (int i = 0; i < observed.length; i++) {
      if (expectedShares[i] <= 0) {
        continue;
      }
      double expected = expectedShares[i] * total;
      statistic += (observed[i] - expected) * (observed[i] - expected) / expected;
      categories++;
    }
    if (categories < 2 || total == 0) {
      return new double[] {0, 1};
    }
    double p =
        1 - new ChiSquaredDistribution(null, categories - 1).cumulativeProbability(statistic);
    return new double[] {statistic, p};
  }

  /** The {@code q} quantile (0..1) of sorted values, nearest rank; NaN when empty. */
  static double quantile(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The {@code q} quantile (0..1) of sorted values, nearest rank; NaN when empty. */
  static double quantile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
