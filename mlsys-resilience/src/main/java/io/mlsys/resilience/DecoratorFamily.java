package io.mlsys.resilience;

import io.mlsys.config.ConfigFamily;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDecorators;
import java.util.Map;

/**
 * Model decorators as config knows them: a component of type {@link DecoratorOptions} (such as a
 * model's {@code decorators:} list) holds one installed {@link io.mlsys.core.spi.ModelDecorator}
 * kind, written {@code {batching: {max-batch-size: 8}}} (or {@code batching} for every default),
 * its options bound to the kind's options record. The kinds are those {@link
 * ModelDecorators#installed()} finds, so a decorator added in any module is known to config without
 * config knowing that module.
 */
public final class DecoratorFamily implements ConfigFamily<DecoratorOptions> {
  private final Map<String, Class<? extends DecoratorOptions>> kinds =
      ModelDecorators.installed().kinds();

  @Override
  public Class<DecoratorOptions> type() {
    return DecoratorOptions.class;
  }

  @Override
  public Map<String, Class<? extends DecoratorOptions>> kinds() {
    return kinds;
  }

  @Override
  public String description() {
    return "a model decorator";
  }

  @Override
  public String placeholder() {
    return "<decorator>";
  }
}
