package io.mlsys.core.spi;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;

/**
 * What a {@link ModelDecorator} gets besides the model and its options, when it decorates one
 * loaded model version.
 *
 * @param modelName the name the model serves under
 * @param modelVersion the version being decorated; null for an unversioned model
 * @param clock the server's clock: time-dependent behaviour reads it (tests inject a manual one)
 * @param meterRegistry where the decorator registers its meters; tag them with the model name (a
 *     bounded set, from the configuration), never with per-request values
 * @param resources what the server's decorators share across models and versions (a store, a
 *     client, metrics that must outlive one version); closed when the server stops
 */
public record DecoratorContext(
    String modelName,
    String modelVersion,
    Clock clock,
    MeterRegistry meterRegistry,
    SharedResources resources) {
  public DecoratorContext {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(meterRegistry, "meterRegistry");
    Objects.requireNonNull(resources, "resources");
  }
}
