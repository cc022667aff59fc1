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
    double[] result = chiSquare(new long[][] {observed}, new double[][] {expectedShares});
    return new double[] {result[0], result[2]};
  }

  /**
   * Pearson's chi-square of counts observed in several periods, each against its own expected
   * shares: {@code observed[p][arm]} against {@code expectedShares[p][arm]} (each period's shares
   * summing to 1): {@code [statistic, degrees of freedom, p-value]}. Within a period, given its
   * total, a sound split's counts are multinomial with that period's shares; periods are
   * independent given their totals, so the per-period statistics (each with its categories - 1
   * degrees of freedom) sum to one chi-square with the summed degrees of freedom: one test at one
   * alpha, no correction for the number of periods. Categories expected to get nothing are left
   * out, as are periods with fewer than two categories left or no observation; with none left,
   * {@code [0, 0, 1]}.
   */
  static double[] chiSquare(long[][] observed, double[][] expectedShares) {
    double statistic = 0;
    int degrees = 0;
    for (int p = 0; p < observed.length; p++) {
      long total = Arrays.stream(observed[p]).sum();
      double periodStatistic = 0;
      int categories = 0;
      for (int i = 0; i < observed[p].length; i++) {
        if (expectedShares[p][i] <= 0) {
          continue;
        }
        double expected = expectedShares[p][i] * total;
        periodStatistic += (observed[p][i] - expected) * (observed[p][i] - expected) / expected;
        categories++;
      }
      if (categories >= 2 && total > 0) {
        statistic += periodStatistic;
        degrees += categories - 1;
      }
    }
    if (degrees == 0) {
      return new double[] {0, 0, 1};
    }
    double p = 1 - new ChiSquaredDistribution(null, degrees).cumulativeProbability(statistic);
    return new double[] {statistic, degrees, p};
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
