package io.mlsys.monitoring;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;
import java.io.IOException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code monitor} decorator: monitors the model version it wraps ({@link MonitoredModel}), its
 * baseline from {@code baseline} (a CSV) or else the registry. Written in config as {@code
 * models.<name>.monitoring: {...}} (put outermost in the model's chain, after a server-wide
 * prediction log) or as {@code decorators: [{monitor: {...}}]}.
 */
public final class MonitorDecorator implements ModelDecorator<MonitoringConfig> {
  /** The kind's name in config. */
  public static final String KIND = "monitor";

  private static final Logger LOG = Logger.getLogger("io.mlsys.monitoring.alerts");

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<MonitoringConfig> optionsType() {
    return MonitoringConfig.class;
  }

  @Override
  public Model decorate(Model model, MonitoringConfig options, DecoratorContext context) {
    Monitors monitors =
        context
            .resources()
            .computeIfAbsent(
                Monitors.class, () -> new Monitors(context.clock(), context.meterRegistry()));
    Baseline baseline = baseline(options, context, monitors);
    OutlierDetector outliers = null;
    if (options.outlierModel() != null) {
      try {
        outliers =
            OnnxOutlierDetector.load(
                options.outlierModel(), options.outlierOutput(), context.clock());
      } catch (ModelLoadException | IllegalArgumentException e) {
        throw new ModelLoadException(
            context.modelName(), "monitoring.outlier-model: " + e.getMessage(), e);
      }
    }
    Consumer<Alert> listener = MonitorDecorator::log;
    if (options.webhook() != null && options.webhook().url() != null) {
      AlertWebhook webhook = monitors.webhook(options.webhook());
      listener = listener.andThen(webhook::send);
    }
    ModelMonitor monitor =
        new ModelMonitor(
            context.modelName(),
            context.modelVersion(),
            options,
            baseline,
            outliers,
            context.clock().instant());
    return new MonitoredModel(
        model,
        context.modelName(),
        context.modelVersion(),
        monitor,
        outliers,
        listener,
        context.clock(),
        context.meterRegistry(),
        monitors);
  }

  private static Baseline baseline(
      MonitoringConfig options, DecoratorContext context, Monitors monitors) {
    if (options.baseline() == null) {
      return monitors.baselines().find(context.modelName(), context.modelVersion()).orElse(null);
    }
    try {
      return Baseline.fromCsv(options.baseline(), options.bins());
    } catch (IOException e) {
      throw new ModelLoadException(
          context.modelName(),
          "monitoring.baseline: cannot read " + options.baseline() + ": " + e.getMessage(),
          e);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          context.modelName(), "monitoring.baseline: " + e.getMessage(), e);
    }
  }

  /** Alerts go to the log always: firing ones as warnings, resolved ones as information. */
  static void log(Alert alert) {
    Level level = alert.status() == Alert.Status.FIRING ? Level.WARNING : Level.INFO;
    LOG.log(
        level,
        () ->
            "alert "
                + alert.status().name().toLowerCase(java.util.Locale.ROOT)
                + ": "
                + alert.rule()
                + (alert.feature() == null ? "" : " feature=" + alert.feature())
                + " model="
                + alert.model()
                + " version="
                + alert.version()
                + " severity="
                + alert.severity().name().toLowerCase(java.util.Locale.ROOT)
                + " value="
                + alert.value()
                + " threshold="
                + alert.threshold()
                + " since="
                + alert.since());
  }
}
