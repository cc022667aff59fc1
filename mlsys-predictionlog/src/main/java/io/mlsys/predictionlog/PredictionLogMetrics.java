package io.mlsys.predictionlog;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The prediction log's counters, as Prometheus names them: {@code
 * mlsys_prediction_log_events_written_total{sink}}, {@code
 * mlsys_prediction_log_sink_failures_total{sink}}, {@code
 * mlsys_prediction_log_spilled_bytes_total}, {@code mlsys_prediction_log_overflowed_total}, {@code
 * mlsys_prediction_log_dropped_total{reason}}. The gauges (buffer depth, journal bytes, replay lag)
 * are registered by the log itself.
 */
final class PredictionLogMetrics {
  /**
   * The journal's budget was spent: for an event whose caller found the buffer full (the writer
   * waits for that budget too), or while the log was closing.
   */
  static final String JOURNAL_FULL = "journal-full";

  /** The disk failed while the journal wrote. */
  static final String JOURNAL_ERROR = "journal-error";

  /** The event could not be made (a bug) or a journal line could not be read back. */
  static final String UNREADABLE = "unreadable";

  /** Recorded after the log closed. */
  static final String CLOSED = "closed";

  private final MeterRegistry registry;
  private final Counter spilledBytes;
  private final Counter overflowed;

  PredictionLogMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.spilledBytes =
        Counter.builder("mlsys.prediction.log.spilled")
            .description("Bytes of events written to the prediction log's disk journal")
            .baseUnit("bytes")
            .register(registry);
    this.overflowed =
        Counter.builder("mlsys.prediction.log.overflowed")
            .description(
                "Prediction events whose callers found the buffer full and handed them to the sinks"
                    + " themselves")
            .register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  void written(String sink, int events) {
    Counter.builder("mlsys.prediction.log.events.written")
        .description("Prediction events written to a sink")
        .tag("sink", sink)
        .register(registry)
        .increment(events);
  }

  void sinkFailed(String sink) {
    Counter.builder("mlsys.prediction.log.sink.failures")
        .description("Writes to a prediction log sink that failed (the batch went to the journal)")
        .tag("sink", sink)
        .register(registry)
        .increment();
  }

  void overflowed() {
    overflowed.increment();
  }

  void spilled(long bytes) {
    spilledBytes.increment(bytes);
  }

  void dropped(String reason, int events) {
    Counter.builder("mlsys.prediction.log.dropped")
        .description("Prediction events lost, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment(events);
  }
}
