package io.mlsys.resilience;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code concurrency-limit} decorator: a bulkhead per model version, built on the same {@link
 * AdmissionControl} that bounds the whole server ({@code server.limits}), with a bounded wait queue
 * and deadline-aware shedding ({@link ConcurrencyLimitOptions}). Refusals are counted in {@code
 * mlsys_shed_total{model, reason}}.
 */
public final class ConcurrencyLimitDecorator implements ModelDecorator<ConcurrencyLimitOptions> {
  /** The kind's name in config. */
  public static final String KIND = "concurrency-limit";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<ConcurrencyLimitOptions> optionsType() {
    return ConcurrencyLimitOptions.class;
  }

  @Override
  public Model decorate(Model model, ConcurrencyLimitOptions options, DecoratorContext context) {
    return new ConcurrencyLimitedModel(
        model, options, context.modelName(), context.clock(), SheddingMetrics.of(context));
  }
}
