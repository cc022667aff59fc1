package io.mlsys.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The jobs' meters: {@code mlsys.jobs.submitted} (by model), {@code mlsys.jobs.completed} (by final
 * state), {@code mlsys.jobs.count} (jobs in each state, the {@code queued} one being the queue's
 * depth, refreshed by the sweeper), {@code mlsys.jobs.queue.latency} (submission to first start)
 * {@code mlsys.jobs.run} (one attempt's model call) and {@code mlsys.jobs.republished} (jobs
 * published again after their queue lost the delivery).
 */
final class JobMetrics {
  private final MeterRegistry registry;
  private final Map<JobState, AtomicLong> counts = new EnumMap<>(JobState.class);
  private final Map<JobState, Counter> completed = new EnumMap<>(JobState.class);
  private final Timer queueLatency;
  private final Timer run;
  private final Counter retried;
  private final Counter republished;

  JobMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (JobState state : JobState.values()) {
      AtomicLong count = new AtomicLong();
      counts.put(state, count);
      Gauge.builder("mlsys.jobs.count", count, AtomicLong::get)
          .description("Jobs in the store by state (queued: the queue's depth)")
          .tag("state", state.wireName())
          .register(registry);
      if (state.isFinal()) {
        completed.put(
            state,
            Counter.builder("mlsys.jobs.completed")
                .description("Jobs that reached a final state")
                .tag("state", state.wireName())
                .register(registry));
      }
    }
    this.queueLatency =
        Timer.builder("mlsys.jobs.queue.latency")
            .description("From submission to a worker's first start")
            .publishPercentileHistogram()
            .register(registry);
    this.run =
        Timer.builder("mlsys.jobs.run")
            .description("One attempt's model call")
            .publishPercentileHistogram()
            .register(registry);
    this.retried =
        Counter.builder("mlsys.jobs.retried")
            .description("Failed attempts that were queued again")
            .register(registry);
    this.republished =
        Counter.builder("mlsys.jobs.republished")
            .description("Jobs published again because their queue lost the delivery")
            .register(registry);
  }

  void submitted(String model) {
    Counter.builder("mlsys.jobs.submitted")
        .description("Jobs accepted")
        .tag("model", model)
        .register(registry)
        .increment();
  }

  void completed(JobState state) {
    completed.get(state).increment();
  }

  void queueLatency(Duration latency) {
    queueLatency.record(latency.isNegative() ? Duration.ZERO : latency);
  }

  void run(long nanos) {
    run.record(Duration.ofNanos(nanos));
  }

  void retried() {
    retried.increment();
  }

  void republished() {
    republished.increment();
  }

  void counts(Map<JobState, Long> now) {
    now.forEach((state, count) -> counts.get(state).set(count));
  }

  Timer queueLatencyTimer() {
    return queueLatency;
  }
}
