package io.mlsys.monitoring;

/**
 * Drift scores of one feature's window against its baseline, all from the binned counts.
 *
 * <ul>
 *   <li>PSI over the baseline's deciles (numeric) or categories: sample-size free, the industry's
 *       rule of thumb (0.1 moderate, 0.2 significant).
 *   <li>KS: the largest gap between the two CDFs at the bin edges (a lower bound of the exact
 *       statistic, within one bin's share of it) and its asymptotic p-value.
 *   <li>Wasserstein-1 distance divided by the baseline's standard deviation ("normed"): how far, in
 *       standard deviations, the mass moved; an effect size that does not shrink to zero p-values
 *       on large samples.
 *   <li>Jensen-Shannon distance (base 2, 0 to 1) of the category shares.
 * </ul>
 */
final class Drift {
  private Drift() {}

  /** Share given to an empty bin so that PSI stays finite (as most PSI implementations do). */
  static final double EPSILON = 1e-4;

  /** The methods, as the {@code method} tag of {@code mlsys_feature_drift} spells them. */
  static final String PSI = "psi";

  static final String KS = "ks";
  static final String WASSERSTEIN = "wasserstein";
  static final String JENSEN_SHANNON = "jensen_shannon";

  /** The current window's share per bin. */
  static double[] shares(long[] counts) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length && total > 0; i++) {
      shares[i] = (double) counts[i] / total;
    }
    return shares;
  }

  /**
   * PSI; a numeric feature's bins are first grouped into about ten groups of a tenth of the
   * baseline each, so that sparse fine bins of a small window do not inflate it.
   */
  static double psi(BaselineFeature feature, double[] current) {
    double[] expected = feature.probabilities();
    double[] reference = expected;
    double[] actual = current;
    if (feature.kind() == BaselineFeature.Kind.NUMERIC) {
      double[][] grouped = deciles(expected, current);
      reference = grouped[0];
      actual = grouped[1];
    }
    double psi = 0;
    for (int i = 0; i < reference.length; i++) {
      double e = Math.max(reference[i], EPSILON);
      double a = Math.max(actual[i], EPSILON);
      if (reference[i] == 0 && actual[i] == 0) {
        continue;
      }
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  private static double[][] deciles(double[] expected, double[] current) {
    int last = expected.length - 1;
    double[] groupedExpected = new double[expected.length];
    double[] groupedCurrent = new double[expected.length];
    // The below-range bin (empty in the baseline) is a group of its own, and so is the above one.
    groupedExpected[0] = expected[0];
    groupedCurrent[0] = current[0];
    int group = 1;
    double cumulative = 0;
    double nextCut = 0.1;
    for (int i = 1; i < last; i++) {
      groupedExpected[group] += expected[i];
      groupedCurrent[group] += current[i];
      cumulative += expected[i];
      if (cumulative >= nextCut - 1e-9 && i < last - 1) {
        group++;
        while (nextCut <= cumulative + 1e-9) {
          nextCut += 0.1;
        }
      }
    }
    group++;
    groupedExpected[group] = expected[last];
    groupedCurrent[group] = current[last];
    return new double[][] {
      java.util.Arrays.copyOf(groupedExpected, group + 1),
      java.util.Arrays.copyOf(groupedCurrent, group + 1)
    };
  }

  /** The KS statistic: the largest CDF gap over the bin boundaries. */
  static double ks(BaselineFeature feature, double[] current) {
    double[] expected = feature.probabilities();
    double cumulativeExpected = 0;
    double cumulativeCurrent = 0;
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      cumulativeExpected += expected[i];
      cumulativeCurrent += current[i];
      max = Math.max(max, Math.abs(cumulativeExpected - cumulativeCurrent));
    }
    return max;
  }

  /**
   * The two-sample KS p-value (Kolmogorov's asymptotic distribution with Stephens' correction), for
   * a statistic {@code d} between samples of {@code n} and {@code m}.
   */
  static double ksPValue(double d, long n, long m) {
    if (n == 0 || m == 0) {
      return 1;
    }
    double en = Math.sqrt((double) n * m / (n + m));
    double lambda = (en + 0.12 + 0.11 / en) * d;
    if (lambda < 1e-3) {
      return 1;
    }
    double sum = 0;
    double sign = 1;
    for (int j = 1; j <= 100; j++) {
      double term = sign * Math.exp(-2 * j * j * lambda * lambda);
      sum += term;
      if (Math.abs(term) < 1e-12) {
        break;
      }
      sign = -sign;
    }
    return Math.min(1, Math.max(0, 2 * sum));
  }

  /**
   * The Wasserstein-1 distance divided by the baseline's standard deviation: the CDF gap integrated
   * over the baseline's range (linear within each bin), plus how far values beyond the range lie
   * past it. NaN when the baseline has no spread.
   */
  static double normedWasserstein(FeatureCounts counts) {
    BaselineFeature feature = counts.feature;
    if (!(feature.stddev() > 0)) {
      return Double.NaN;
    }
    long n = counts.count();
    if (n == 0) {
      return 0;
    }
    double[] expected = feature.probabilities();
    double[] current = shares(counts.bins);
    double[] edges = feature.edges();
    // Gap at e0, after the below-range bin.
    double gapBefore = Math.abs(expected[0] - current[0]);
    double cumulativeExpected = expected[0];
    double cumulativeCurrent = current[0];
    double distance = 0;
    for (int i = 1; i < edges.length; i++) {
      cumulativeExpected += expected[i];
      cumulativeCurrent += current[i];
      double gapAfter = Math.abs(cumulativeExpected - cumulativeCurrent);
      distance += (gapBefore + gapAfter) / 2 * (edges[i] - edges[i - 1]);
      gapBefore = gapAfter;
    }
    distance += (counts.belowDistance + counts.aboveDistance) / n;
    return distance / feature.stddev();
  }

  /** The Jensen-Shannon distance (base 2): 0 for equal shares, 1 for disjoint ones. */
  static double jensenShannon(double[] expected, double[] current) {
    double divergence = 0;
    for (int i = 0; i < expected.length; i++) {
      double p = expected[i];
      double q = current[i];
      double m = (p + q) / 2;
      if (p > 0) {
        divergence += 0.5 * p * Math.log(p / m);
      }
      if (q > 0) {
        divergence += 0.5 * q * Math.log(q / m);
      }
    }
    return Math.sqrt(Math.max(0, divergence / Math.log(2)));
  }
}
