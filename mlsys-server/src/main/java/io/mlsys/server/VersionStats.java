package io.mlsys.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Inference statistics of one model version since the server started, as Triton's statistics
 * extension keeps them: success and failure counts and the latency of successful calls. The latency
 * histogram has a fixed size (microsecond values up to {@value #HIGHEST_MICROS} with two
 * significant digits), so memory is bounded however long the server runs.
 */
final class VersionStats {
  /** One hour in microseconds; slower calls are recorded as one hour. */
  static final long HIGHEST_MICROS = 3_600_000_000L;

  private final String model;
  private final String version;
  private final LongAdder successes = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAdder successMicros = new LongAdder();
  private final ConcurrentHistogram latency = new ConcurrentHistogram(1, HIGHEST_MICROS, 2);

  VersionStats(String model, String version) {
    this.model = model;
    this.version = version;
  }

  void success(long nanos) {
    long micros = Math.min(HIGHEST_MICROS, Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)));
    successes.increment();
    successMicros.add(micros);
    latency.recordValue(micros);
  }

  void failure() {
    failures.increment();
  }

  Snapshot snapshot() {
    Histogram copy = latency.copy();
    long count = copy.getTotalCount();
    double mean = count == 0 ? 0 : (double) successMicros.sum() / successes.sum();
    return new Snapshot(
        model,
        version,
        successes.sum(),
        failures.sum(),
        count,
        mean,
        count == 0 ? 0 : copy.getValueAtPercentile(50),
        count == 0 ? 0 : copy.getValueAtPercentile(99),
        count == 0 ? 0 : copy.getMaxValue());
  }

  /** What {@code GET /v2/models/{m}/stats} reports for one version. */
  record Snapshot(
      String model,
      String version,
      long successCount,
      long failureCount,
      long latencyCount,
      double meanMicros,
      long p50Micros,
      long p99Micros,
      long maxMicros) {

    static Snapshot empty(String model, String version) {
      return new Snapshot(model, version, 0, 0, 0, 0, 0, 0, 0);
    }
  }
}
