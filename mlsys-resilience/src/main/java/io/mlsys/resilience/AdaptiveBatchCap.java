package io.mlsys.resilience;

import java.util.Arrays;

/**
 * Decides how many rows the next batch may hold from what batches have cost so far: a pure,
 * single-threaded state machine fed with the run time of each batch (no clock, no waits), so the
 * batcher guards it with its lock and tests drive it with made-up measurements.
 *
 * <p>Batches are grouped by size into buckets 1, 2, 4, 8, ... and max-batch-size: a bucket holds
 * the batches of more rows than the bucket below and at most its own size. Each bucket keeps an
 * average of run nanoseconds per row: the mean of its first runs, then a moving average that gives
 * the newest run a weight of {@value #COST_WEIGHT}, so one slow first run (a cold model) soon stops
 * counting. The cap is the size of the bucket with the lowest average (the larger one on a tie), or
 * max-batch-size before any batch has run.
 *
 * <p>The limit of the next batch is the cap, except while another bucket is tried: the bucket just
 * above the cap once it has never run, and it or any bucket below the cap that has run once its
 * interval has passed since it last ran (the one that ran longest ago first). The interval starts
 * at {@value #MIN_TRY_INTERVAL_RUNS} runs; a try that costs more per row than the cap's average
 * doubles it, up to {@value #MAX_TRY_INTERVAL_RUNS} runs, so a size that keeps losing costs little,
 * and a try that costs less brings it back. Trying above lets the cap rise when larger batches
 * become cheaper. Trying below keeps the averages there current, so that one made too high by a
 * slow start or a busy spell cannot hold the cap up; a bucket below the cap that never ran is not
 * tried, as light load runs small batches anyway.
 */
final class AdaptiveBatchCap {
  /** Weight of the newest run in a bucket's moving average. */
  static final double COST_WEIGHT = 0.2;

  /** The fewest runs between two tries of a bucket other than the cap. */
  static final int MIN_TRY_INTERVAL_RUNS = 16;

  /** The most runs between two tries of a bucket other than the cap. */
  static final int MAX_TRY_INTERVAL_RUNS = 256;

  private final int[] sizes;
  private final double[] nanosPerRow;
  private final long[] samples;
  // The run count when each bucket was last measured or started; far past when never.
  private final long[] triedAt;
  private final int[] tryInterval;
  private long runs;
  // The bucket of the cap; the largest bucket until something is measured.
  private int cap;

  AdaptiveBatchCap(int maxBatchSize) {
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: >= 1)");
    }
    int buckets = 1;
    while (1 << (buckets - 1) < maxBatchSize) {
      buckets++;
    }
    sizes = new int[buckets];
    for (int i = 0; i < buckets; i++) {
      sizes[i] = Math.min(1 << i, maxBatchSize);
    }
    nanosPerRow = new double[buckets];
    Arrays.fill(nanosPerRow, Double.NaN);
    samples = new long[buckets];
    triedAt = new long[buckets];
    Arrays.fill(triedAt, Long.MIN_VALUE / 2);
    tryInterval = new int[buckets];
    Arrays.fill(tryInterval, MIN_TRY_INTERVAL_RUNS);
    cap = buckets - 1;
  }

  /**
   * Records a batch that ran: {@code rows} rows (1 to max-batch-size; others are ignored) in {@code
   * nanos}.
   */
  void record(int rows, long nanos) {
    if (!fits(rows)) {
      return;
    }
    int bucket = bucketOf(rows);
    double perRow = Math.max(0, nanos) / (double) rows;
    boolean tried = bucket != cap;
    double capNanosPerRow = nanosPerRow[cap];
    double weight = Math.max(COST_WEIGHT, 1.0 / ++samples[bucket]);
    double old = Double.isNaN(nanosPerRow[bucket]) ? perRow : nanosPerRow[bucket];
    nanosPerRow[bucket] = old + weight * (perRow - old);
    triedAt[bucket] = runs++;
    int best = -1;
    for (int i = 0; i < sizes.length; i++) {
      // <=: on a tie the larger batch wins, since it costs the callers no more.
      if (!Double.isNaN(nanosPerRow[i]) && (best < 0 || nanosPerRow[i] <= nanosPerRow[best])) {
        best = i;
      }
    }
    cap = best;
    if (tried) {
      // NaN (the cap never ran) compares false: no reason to wait longer.
      tryInterval[bucket] =
          perRow > capNanosPerRow
              ? Math.min(2 * tryInterval[bucket], MAX_TRY_INTERVAL_RUNS)
              : MIN_TRY_INTERVAL_RUNS;
    }
  }

  /** The most rows a batch may hold while nothing is being tried: the cheapest bucket's size. */
  int cap() {
    return sizes[cap];
  }

  /**
   * The most rows the next batch may hold: the size of a bucket that is due to be tried (the one
   * that ran longest ago when several are), else the cap.
   */
  int limit() {
    int pick = cap + 1 < sizes.length && due(cap + 1) ? cap + 1 : -1;
    for (int bucket = cap - 1; bucket >= 0; bucket--) {
      if (!Double.isNaN(nanosPerRow[bucket])
          && due(bucket)
          && (pick < 0 || triedAt[bucket] < triedAt[pick])) {
        pick = bucket;
      }
    }
    return sizes[pick < 0 ? cap : pick];
  }

  /**
   * A batch of {@code rows} starts: when it tries a bucket other than the cap, that bucket is not
   * offered again while it runs (nor for its interval if the batch fails).
   */
  void started(int rows) {
    if (fits(rows) && bucketOf(rows) != cap) {
      triedAt[bucketOf(rows)] = runs;
    }
  }

  /** The average run nanoseconds per row of the bucket holding {@code rows}; NaN before one ran. */
  double nanosPerRow(int rows) {
    return nanosPerRow[bucketOf(rows)];
  }

  private boolean due(int bucket) {
    return runs - triedAt[bucket] >= tryInterval[bucket];
  }

  private boolean fits(int rows) {
    return rows >= 1 && rows <= sizes[sizes.length - 1];
  }

  private int bucketOf(int rows) {
    int bucket = 0;
    while (sizes[bucket] < rows) {
      bucket++;
    }
    return bucket;
  }
}
