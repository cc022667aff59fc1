package io.mlsys.queue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** One worker's handling of one delivery, without threads. */
final class JobWorkersProbe {
  private final JobWorkers workers;

  JobWorkersProbe(Jobs jobs, JobRunner runner) {
    // No threads (0 workers); the lease extender is scheduled on a pool no one keeps.
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    this.workers =
        new JobWorkers(
            jobs.store(),
            jobs.queue(),
            runner,
            jobs.config(),
            Clock.systemUTC(),
            new JobCallbacks(jobs.config().callbacks(), Clock.systemUTC(), Map.of(), host -> null),
            new JobMetrics(new SimpleMeterRegistry()),
            scheduler,
            0);
    scheduler.shutdownNow();
  }

  void handle(JobQueue.Delivery delivery) {
    workers.handle(delivery);
  }
}
