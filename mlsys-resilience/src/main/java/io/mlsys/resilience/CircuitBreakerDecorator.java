package io.mlsys.resilience;

import io.mlsys.core.Model;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.ModelDecorator;

/**
 * The {@code circuit-breaker} decorator: Resilience4j's breaker state machine and sliding windows
 * on the server's clock ({@link CircuitBreakerOptions}). Each loaded model version gets its own
 * breaker, so a new version starts closed. State and transitions are metered as {@code
 * mlsys_circuit_state{model}} and {@code mlsys_circuit_transitions_total{model, to}}.
 */
public final class CircuitBreakerDecorator implements ModelDecorator<CircuitBreakerOptions> {
  /** The kind's name in config. */
  public static final String KIND = "circuit-breaker";

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Class<CircuitBreakerOptions> optionsType() {
    return CircuitBreakerOptions.class;
  }

  @Override
  public Model decorate(Model model, CircuitBreakerOptions options, DecoratorContext context) {
    return new BreakerModel(
        model, options, context.modelName(), context.clock(), SheddingMetrics.of(context));
  }
}
