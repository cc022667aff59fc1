package io.mlsys.resilience;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Dynamic batching as metrics: {@code mlsys_batch_queue_seconds{model}} (time a request waited),
 * {@code mlsys_batch_size{model}} (rows per model call, a histogram), {@code
 * mlsys_batch_requests{model}} (requests per call), {@code mlsys_batch_rejections_total{model,
 * reason}} (queue-full, deadline) and {@code mlsys_batch_cap_rows{model}} (the most rows the
 * batcher now puts in a batch, from its measurements), as Prometheus names them. Model names come
 * from the configuration, so the series are bounded.
 *
 * <p>One instance per meter registry, shared by every batcher (a {@link
 * io.mlsys.core.spi.SharedResources} entry): a gauge holds its value weakly, so the values must
 * outlive the model version whose batcher set them last.
 */
final class BatchingMetrics implements BatchingListener {
  private final MeterRegistry registry;
  // The gauges' values: a gauge holds its object weakly, so the map keeps them.
  private final Map<String, AtomicInteger> caps = new ConcurrentHashMap<>();

  BatchingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void queued(String model, long queueNanos) {
    Timer.builder("mlsys.batch.queue")
        .description("Time a request waited in the batching queue")
        .tag("model", model)
        .publishPercentileHistogram()
        .register(registry)
        .record(queueNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void batchRun(String model, int requests, int rows) {
    DistributionSummary.builder("mlsys.batch.size")
        .description("Rows per batched model call")
        .tag("model", model)
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
        .register(registry)
        .record(rows);
    DistributionSummary.builder("mlsys.batch.requests")
        .description("Requests per batched model call")
        .tag("model", model)
        .register(registry)
        .record(requests);
  }

  @Override
  public void rejected(String model, String reason) {
    Counter.builder("mlsys.batch.rejections")
        .description("Requests refused by the batcher without running")
        .tag("model", model)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  @Override
  public void batchCap(String model, int rows) {
    caps.computeIfAbsent(
            model,
            name -> {
              AtomicInteger cap = new AtomicInteger();
              Gauge.builder("mlsys.batch.cap", cap, AtomicInteger::get)
                  .description("Most rows the batcher now puts in one batch (adaptive)")
                  .baseUnit("rows")
                  .tag("model", name)
                  .register(registry);
              return cap;
            })
        .set(rows);
  }
}
