package io.mlsys.monitoring;

/**
 * Latencies in log-linear buckets (four per doubling, from 1 µs to about 36 hours): a fixed 150
 * counters, mergeable, quantiles within 19% of the true value. Not thread-safe.
 */
final class LatencyHistogram {
  static final int SUB_BUCKETS = 4;
  static final int BUCKETS = 150;
  final long[] counts = new long[BUCKETS];
  long total;

  void add(long nanos) {
    counts[bucket(nanos)]++;
    total++;
  }

  static int bucket(long nanos) {
    double micros = Math.max(1, nanos / 1000.0);
    int bucket = (int) Math.floor(Math.log(micros) / Math.log(2) * SUB_BUCKETS);
    return Math.min(BUCKETS - 1, Math.max(0, bucket));
  }

  /** The upper bound of a bucket, in seconds. */
  static double upperSeconds(int bucket) {
    return Math.pow(2, (bucket + 1) / (double) SUB_BUCKETS) / 1e6;
  }

  /** The quantile {@code q} in seconds (a bucket's upper bound); NaN when empty. */
  double quantileSeconds(double q) {
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank && counts[i] > 0) {
        return upperSeconds(i);
      }
    }
    return upperSeconds(BUCKETS - 1);
  }

  void addAll(LatencyHistogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    total += other.total;
  }
}
