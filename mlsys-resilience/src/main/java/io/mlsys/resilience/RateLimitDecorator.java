package io.mlsys.resilience;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code rate-limit} decorator: token buckets for the model and for each caller identity
 * ({@link RateLimitOptions}). Refusals are counted in {@code mlsys_shed_total{model, reason}}
 * ({@code rate}, {@code caller-rate}).
 */
public final class RateLimitDecorator implements ModelDecorator<RateLimitOptions> {
  /** The kind's name in config. */
  public static final String KIND = "rate-limit";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<RateLimitOptions> optionsType() {
    return RateLimitOptions.class;
  }

  @Override
  public Model decorate(Model model, RateLimitOptions options, DecoratorContext context) {
    return new RateLimitedModel(
        model, options, context.modelName(), context.clock(), SheddingMetrics.of(context));
  }
}
