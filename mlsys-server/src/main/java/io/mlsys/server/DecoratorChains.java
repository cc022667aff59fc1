package io.mlsys.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.config.ConfigException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.DecoratorContext;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelDecoration;
import io.mlsys.repository.ModelDefaultsConfig;
import io.mlsys.repository.ModelSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Puts each model version the repository loads behind the decorators its config names ({@link
 * ModelConfig#decoratorChain}: the model's own {@code decorators:}, else {@code
 * model-defaults.decorators}, and its {@code batching:} as the innermost one), built by the
 * installed {@link io.mlsys.core.spi.ModelDecorator} kinds with the server's clock, meter registry
 * and shared resources. Runs once per loaded version, so each version and each reload has its own
 * chain. Server-wide decorators (the {@code prediction-log} section's) go in front of every chain
 * that does not list their kind itself.
 */
final class DecoratorChains implements ModelDecoration {
  private final ModelDecorators decorators;
  private final ModelDefaultsConfig defaults;
  private final Clock clock;
  private final MeterRegistry meterRegistry;
  private final SharedResources resources;
  private final List<DecoratorOptions> outermost;

  DecoratorChains(
      ModelDecorators decorators,
      ModelDefaultsConfig defaults,
      Clock clock,
      MeterRegistry meterRegistry,
      SharedResources resources) {
    this(decorators, defaults, clock, meterRegistry, resources, List.of());
  }

  /**
   * @param outermost decorators every model gets in front of its own chain, unless the chain holds
   *     one of the same kind (the model's own options win)
   */
  DecoratorChains(
      ModelDecorators decorators,
      ModelDefaultsConfig defaults,
      Clock clock,
      MeterRegistry meterRegistry,
      SharedResources resources,
      List<DecoratorOptions> outermost) {
    this.outermost = List.copyOf(outermost);
    this.decorators = Objects.requireNonNull(decorators, "decorators");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
    this.resources = Objects.requireNonNull(resources, "resources");
  }

  /**
   * @throws ModelLoadException when the config's decorators conflict or name a kind that is not
   *     installed (the model is closed)
   */
  @Override
  public Model decorate(Model model, ModelSource source, ModelConfig config) {
    List<DecoratorOptions> chain;
    try {
      chain = withOutermost(config.decoratorChain(defaults));
      chain.forEach(decorators::kindOf);
    } catch (ConfigException | IllegalArgumentException e) {
      model.close();
      throw new ModelLoadException(source.name(), e.getMessage(), e);
    }
    return decorators.decorate(
        model,
        chain,
        new DecoratorContext(source.name(), source.version(), clock, meterRegistry, resources));
  }

  private List<DecoratorOptions> withOutermost(List<DecoratorOptions> chain) {
    List<DecoratorOptions> all = new ArrayList<>();
    for (DecoratorOptions first : outermost) {
      if (chain.stream().noneMatch(own -> own.getClass() == first.getClass())) {
        all.add(first);
      }
    }
    all.addAll(chain);
    return all;
  }

  @Override
  public String toString() {
    return "DecoratorChains" + decorators.kinds().keySet();
  }
}
