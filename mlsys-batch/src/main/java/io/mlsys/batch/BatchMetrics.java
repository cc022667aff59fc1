package io.mlsys.batch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A run's progress as gauges, tagged with the job: {@code mlsys.batch.rows.done}, {@code
 * mlsys.batch.rows.predicted}, {@code mlsys.batch.rows.rejected} (rows so far, resumed runs
 * included) and {@code mlsys.batch.progress} (0 to 1, -1 when the source cannot tell). Updated
 * after every chunk, as the checkpoint is. The gauges hold their values strongly: they keep the
 * last run's figures after the run (and this object) is gone.
 */
public final class BatchMetrics implements BatchProgress {
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong predicted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong fractionPerMillion = new AtomicLong();

  /**
   * @param job the job's name, the {@code job} tag
   */
  public BatchMetrics(MeterRegistry registry, String job) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(job, "job");
    Gauge.builder("mlsys.batch.rows.done", done, AtomicLong::get)
        .tag("job", job)
        .strongReference(true)
        .description("Input rows handled (predicted or rejected)")
        .register(registry);
    Gauge.builder("mlsys.batch.rows.predicted", predicted, AtomicLong::get)
        .tag("job", job)
        .strongReference(true)
        .description("Rows written to the sink")
        .register(registry);
    Gauge.builder("mlsys.batch.rows.rejected", rejected, AtomicLong::get)
        .tag("job", job)
        .strongReference(true)
        .description("Rows written to the reject sink (unreadable, or failed)")
        .register(registry);
    Gauge.builder("mlsys.batch.progress", fractionPerMillion, value -> value.get() / 1e6)
        .tag("job", job)
        .strongReference(true)
        .description("How much of the source was read, 0 to 1; -1 when it cannot tell")
        .register(registry);
  }

  @Override
  public void chunkDone(long rowsDone, long rowsPredicted, long rowsRejected, double fraction) {
    done.set(rowsDone);
    predicted.set(rowsPredicted);
    rejected.set(rowsRejected);
    fractionPerMillion.set(Math.round(fraction * 1e6));
  }

  /** Tells both. */
  public static BatchProgress both(BatchProgress first, BatchProgress second) {
    return (rowsDone, rowsPredicted, rowsRejected, fraction) -> {
      first.chunkDone(rowsDone, rowsPredicted, rowsRejected, fraction);
      second.chunkDone(rowsDone, rowsPredicted, rowsRejected, fraction);
    };
  }
}
