package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.core.spi.DecoratorOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config binds decorator kinds through the family this module registers. */
class DecoratorFamilyTest {
  /** A record with a decorator list, as a model's config has. */
  record Served(List<DecoratorOptions> decorators) {}

  private static Served bind(String yaml) {
    return ConfigBinder.bind(
        ConfigDocument.parse(yaml, "mlsys.yaml", Path.of("/srv"), Map.of()), Served.class);
  }

  @Test
  void theFamilyIsInstalledWithTheDecoratorKinds() {
    assertThat(ConfigBinder.installedFamilies()).containsKey(DecoratorOptions.class);
    DecoratorFamily family = new DecoratorFamily();

    assertThat(family.kinds()).containsEntry("batching", BatchingConfig.class);
    assertThat(family.placeholder()).isEqualTo("<decorator>");
  }

  @Test
  void aDecoratorBindsFromItsKindAndOptions() {
    Served served = bind("decorators: [{batching: {max-batch-size: 8}}]");

    assertThat(served.decorators()).containsExactly(BatchingConfig.defaults().withMaxBatchSize(8));
  }

  @Test
  void aKindAloneTakesEveryDefault() {
    Served served = bind("decorators: [batching]");

    assertThat(served.decorators()).containsExactly(BatchingConfig.defaults());
  }

  @Test
  void anUnknownKindNamesItsPathAndTheInstalledKinds() {
    assertThatThrownBy(() -> bind("decorators: [batching, {cache: {size: 10}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "decorators[1].cache: unknown kind (expected a model decorator, one of the installed"
                + " kinds: batching, circuit-breaker, concurrency-limit, fallback, rate-limit)");
  }

  @Test
  void anInvalidOptionNamesItsFullPath() {
    assertThatThrownBy(() -> bind("decorators: [{batching: {max-batch-size: 0}}]"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("decorators[0].batching.max-batch-size: 0 (expected: an integer");
  }

  @Test
  void theKeyPathsListTheDecoratorKindsOnceUnderThePlaceholder() {
    assertThat(ConfigBinder.keyPaths(Served.class, ConfigBinder.installedFamilies()))
        .contains("decorators", "decorators[i]", "<decorator>.batching.max-batch-size");
  }
}
