package io.mlsys.server;

import io.mlsys.registry.ModelRegistry;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes artifacts no model version refers to any more, every {@code registry.gc-period}, once the
 * server has opened its registry (a server that never uses the registry creates no store for it).
 */
final class RegistryGarbageCollection implements AutoCloseable {
  private static final System.Logger LOG =
      System.getLogger(RegistryGarbageCollection.class.getName());

  private final RegistryHandle registry;
  private final ScheduledExecutorService scheduler;

  private RegistryGarbageCollection(RegistryHandle registry, Duration period) {
    this.registry = registry;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "mlsys-registry-gc");
              thread.setDaemon(true);
              return thread;
            });
    long millis = period.toMillis();
    scheduler.scheduleWithFixedDelay(this::collect, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Collection every {@code period}; null when the period is zero (off). */
  static RegistryGarbageCollection every(Duration period, RegistryHandle registry) {
    return period.isZero() ? null : new RegistryGarbageCollection(registry, period);
  }

  private void collect() {
    ModelRegistry opened = registry.ifOpen();
    if (opened == null) {
      return;
    }
    try {
      List<String> deleted = opened.collectGarbage();
      if (!deleted.isEmpty()) {
        LOG.log(Level.INFO, "registry gc: deleted " + deleted.size() + " unreferenced artifacts");
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "registry gc failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
