package io.mlsys.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mlsys.repository.RepositoryListener;
import java.lang.System.Logger.Level;
import java.time.Duration;

/**
 * Records model loads as {@code mlsys_model_load_duration_seconds{model,version}} and {@code
 * mlsys_model_load_failures_total{model,version}}, and logs each load, failure and unload. Model
 * names come from the configuration, so the series are bounded.
 */
final class LoadMetricsListener implements RepositoryListener {
  private static final System.Logger LOG = System.getLogger(LoadMetricsListener.class.getName());

  private final MeterRegistry registry;

  LoadMetricsListener(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void loaded(String name, String version, Duration loadTime) {
    Timer.builder("mlsys.model.load.duration")
        .description("Time to load a model version")
        .tag("model", name)
        .tag("version", String.valueOf(version))
        .register(registry)
        .record(loadTime);
    LOG.log(
        Level.INFO,
        () ->
            "model '"
                + name
                + "' version "
                + version
                + " loaded in "
                + loadTime.toMillis()
                + " ms");
  }

  @Override
  public void failed(String name, String version, String reason) {
    Counter.builder("mlsys.model.load.failures")
        .description("Model version loads that failed")
        .tag("model", name)
        .tag("version", String.valueOf(version))
        .register(registry)
        .increment();
    LOG.log(
        Level.WARNING,
        "model '"
            + name
            + "'"
            + (version == null ? "" : " version " + version)
            + " failed to load: "
            + reason);
  }

  @Override
  public void unloaded(String name, String version) {
    LOG.log(Level.INFO, () -> "model '" + name + "' version " + version + " unloaded");
  }
}
