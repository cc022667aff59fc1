package io.mlsys.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelDefaultsConfig;
import io.mlsys.resilience.BatchingConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A model's decorators: its own list or the defaults, with {@code batching} as shorthand. */
class DecoratorConfigTest {
  /** Options of a decorator kind this module does not know. */
  private record Cache(int size) implements DecoratorOptions {}

  private static final BatchingConfig BATCHING = BatchingConfig.defaults().withMaxBatchSize(8);
  private static final ModelDefaultsConfig DEFAULTS =
      new ModelDefaultsConfig(List.of(new Cache(100)));

  @Test
  void aModelWithoutItsOwnListTakesTheDefaults() {
    ModelConfig model = ModelConfig.of("m.onnx");

    assertThat(model.decorators()).isNull();
    assertThat(model.decoratorChain(DEFAULTS)).containsExactly(new Cache(100));
  }

  @Test
  void aModelsOwnListReplacesTheDefaultsAsAWhole() {
    ModelConfig model = ModelConfig.of("m.onnx").withDecorators(List.of(new Cache(5), BATCHING));

    assertThat(model.decoratorChain(DEFAULTS)).containsExactly(new Cache(5), BATCHING);
  }

  @Test
  void anEmptyListMeansNoDecoratorsDespiteTheDefaults() {
    ModelConfig model = ModelConfig.of("m.onnx").withDecorators(List.of());

    assertThat(model.decoratorChain(DEFAULTS)).isEmpty();
  }

  @Test
  void theBatchingKeyIsTheInnermostBatchingDecorator() {
    ModelConfig model = ModelConfig.of("m.onnx").withBatching(BATCHING);

    assertThat(model.decoratorChain(DEFAULTS)).containsExactly(new Cache(100), BATCHING);
    assertThat(model.withDecorators(List.of()).decoratorChain(DEFAULTS)).containsExactly(BATCHING);
  }

  @Test
  void batchingGivenTwiceInOneModelNamesTheKey() {
    ModelConfig model = ModelConfig.of("m.onnx").withBatching(BATCHING);

    assertThatThrownBy(() -> model.withDecorators(List.of(new Cache(5), BATCHING)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "batching: given next to a batching decorator in decorators[1] (expected: one of"
                + " them; batching is shorthand for the innermost batching decorator)");
  }

  @Test
  void batchingNextToADefaultBatchingDecoratorNamesBothPlaces() {
    ModelDefaultsConfig defaults = new ModelDefaultsConfig(List.of(BatchingConfig.defaults()));
    ModelConfig model = ModelConfig.of("m.onnx").withBatching(BATCHING);

    assertThatThrownBy(() -> model.decoratorChain(defaults))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "batching: given next to a batching decorator in model-defaults.decorators[0]"
                + " (expected: one of them; to batch this model otherwise, list its own"
                + " decorators)");
    assertThat(model.withDecorators(List.of()).decoratorChain(defaults)).containsExactly(BATCHING);
  }

  @Test
  void theWholeConfigReportsTheConflictUnderTheModelsKeyPath() {
    MlsysConfig config =
        MlsysConfig.defaults()
            .withModel("iris", ModelConfig.of("iris.onnx").withBatching(BATCHING))
            .withModel("plain", ModelConfig.of("plain.onnx"));
    ModelDefaultsConfig defaults = new ModelDefaultsConfig(List.of(BatchingConfig.defaults()));

    assertThatThrownBy(() -> config.withModelDefaults(defaults))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "models.iris.batching: given next to a batching decorator in"
                + " model-defaults.decorators[0]");
    assertThat(config.modelDefaults()).isEqualTo(ModelDefaultsConfig.defaults());
  }

  @Test
  void anEmptyEntryIsRefusedWithItsIndex() {
    List<DecoratorOptions> withHole = Arrays.asList(new Cache(1), null);

    assertThatThrownBy(() -> ModelConfig.of("m.onnx").withDecorators(withHole))
        .isInstanceOf(ConfigException.class)
        .hasMessage("decorators[1]: null (expected: a decorator kind with its options)");
    assertThatThrownBy(() -> new ModelDefaultsConfig(withHole))
        .isInstanceOf(ConfigException.class)
        .hasMessage("decorators[1]: null (expected: a decorator kind with its options)");
  }

  @Test
  void theListsAreCopied() {
    List<DecoratorOptions> given = new java.util.ArrayList<>(List.of(new Cache(1)));
    ModelConfig model = ModelConfig.of("m.onnx").withDecorators(given);
    given.clear();

    assertThat(model.decorators()).containsExactly(new Cache(1));
    assertThat(new MlsysConfig(null, null, null).modelDefaults().decorators()).isEmpty();
  }
}
