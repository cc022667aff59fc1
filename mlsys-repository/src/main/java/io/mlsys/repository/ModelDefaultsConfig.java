package io.mlsys.repository;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.spi.DecoratorOptions;
import java.util.List;

/**
 * What every model gets unless its own config says otherwise ({@code model-defaults:} in
 * mlsys.yaml), for the models of {@code models:} and of the model repository alike.
 *
 * @param decorators the decorators of every model that lists none of its own ({@code
 *     models.<name>.decorators} or {@code decorators:} in its config.yaml), outermost first; null
 *     or absent means none. A model's own list replaces this one as a whole.
 */
public record ModelDefaultsConfig(List<DecoratorOptions> decorators) {
  /** Where the default list is written, for messages about it. */
  public static final String DECORATORS_PATH = "model-defaults.decorators";

  /**
   * @throws ConfigException naming every empty entry
   */
  public ModelDefaultsConfig {
    decorators = decorators == null ? List.of() : decorators;
    Violations violations = new Violations();
    for (int i = 0; i < decorators.size(); i++) {
      violations.check(
          decorators.get(i) != null, "decorators[" + i + "]", null, ModelConfig.EXPECTED_DECORATOR);
    }
    violations.throwIfAny(null);
    decorators = List.copyOf(decorators);
  }

  /** No default decorators. */
  @ConfigDefaults
  public static ModelDefaultsConfig defaults() {
    return new ModelDefaultsConfig(List.of());
  }

  public ModelDefaultsConfig withDecorators(List<DecoratorOptions> newDecorators) {
    return new ModelDefaultsConfig(newDecorators);
  }
}
