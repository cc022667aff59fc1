package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.DecoratorOptions;
import io.mlsys.core.spi.ModelDecorators;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelDefaultsConfig;
import io.mlsys.repository.ModelSource;
import io.mlsys.resilience.BatchingConfig;
import io.mlsys.server.AttributesDecorator.AttributesOptions;
import io.mlsys.server.TagDecorator.TagOptions;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which decorators a loaded model gets, in which order: its own list, the defaults, batching. */
class DecoratorChainsTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final SharedResources resources = SharedResources.create();
  private final List<Model> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(Model::close);
    resources.close();
  }

  private static final ModelSource SOURCE =
      new ModelSource("echo", "2", Path.of("/srv/echo.model"), "test_echo", Map.of(), 1, List.of());

  private DecoratorChains chains(DecoratorOptions... defaults) {
    return new DecoratorChains(
        ModelDecorators.installed(),
        new ModelDefaultsConfig(List.of(defaults)),
        clock,
        registry,
        resources);
  }

  private static StubModel model() {
    return StubModel.echo(Stubs.metadata("echo", "2"));
  }

  private Map<String, Object> answer(DecoratorChains chains, ModelConfig config) {
    Model decorated = chains.decorate(model(), SOURCE, config);
    built.add(decorated);
    InferResponse response = decorated.infer(InferRequest.of(), CallContext.of(clock));
    return response.parameters();
  }

  @Test
  void theListIsOutermostFirstAndEveryLayerKeepsTheInnerParameters() {
    ModelConfig config =
        ModelConfig.of("echo.model")
            .withDecorators(List.of(new TagOptions("outer"), new TagOptions("inner")));

    assertThat(answer(chains(), config))
        .containsEntry("tag-outer", "outer")
        .containsEntry("tag-inner", "outer>inner");
  }

  @Test
  void aModelWithoutItsOwnListGetsTheServerDefaults() {
    DecoratorChains chains = chains(new TagOptions("default"), new AttributesOptions());

    assertThat(answer(chains, ModelConfig.of("echo.model")))
        .containsEntry("tag-default", "default")
        .containsEntry("decorated-version", "2");
  }

  @Test
  void aModelsOwnListOverridesTheDefaults() {
    DecoratorChains chains = chains(new TagOptions("default"), new AttributesOptions());
    ModelConfig own = ModelConfig.of("echo.model").withDecorators(List.of(new TagOptions("own")));

    assertThat(answer(chains, own)).containsOnlyKeys("tag-own");
    assertThat(answer(chains, own.withDecorators(List.of()))).isEmpty();
  }

  @Test
  void serverWideDecoratorsGoInFrontUnlessTheModelListsTheirKind() {
    DecoratorChains chains =
        new DecoratorChains(
            ModelDecorators.installed(),
            new ModelDefaultsConfig(List.of(new AttributesOptions())),
            clock,
            registry,
            resources,
            List.of(new TagOptions("server")));

    // In front of the defaults, which still apply.
    assertThat(answer(chains, ModelConfig.of("echo.model")))
        .containsEntry("tag-server", "server")
        .containsEntry("decorated-version", "2");
    // A model listing the kind itself keeps its own options.
    ModelConfig own = ModelConfig.of("echo.model").withDecorators(List.of(new TagOptions("own")));
    assertThat(answer(chains, own)).containsOnlyKeys("tag-own");
    assertThat(answer(chains, ModelConfig.of("echo.model").withDecorators(List.of())))
        .containsOnlyKeys("tag-server");
  }

  @Test
  void theBatchingKeyIsTheInnermostDecorator() {
    ModelConfig config =
        ModelConfig.of("echo.model")
            .withDecorators(List.of(new TagOptions("outer")))
            .withBatching(BatchingConfig.defaults());

    assertThat(answer(chains(), config)).containsEntry("tag-outer", "outer");
    // The call went through a batcher, which metered it under the model's name.
    assertThat(registry.get("mlsys.batch.size").tag("model", "echo").summary().count())
        .isEqualTo(1);
  }

  @Test
  void batchingNextToADefaultBatchingDecoratorFailsTheLoadAndClosesTheModel() {
    DecoratorChains chains = chains(BatchingConfig.defaults());
    StubModel model = model();
    ModelConfig config = ModelConfig.of("echo.model").withBatching(BatchingConfig.defaults());

    assertThatThrownBy(() -> chains.decorate(model, SOURCE, config))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining(
            "batching: given next to a batching decorator in model-defaults.decorators[0]");
    assertThat(model.isClosed()).isTrue();
  }

  @Test
  void optionsOfAKindThatIsNotInstalledFailTheLoadNamingTheInstalledKinds() {
    record Cache() implements DecoratorOptions {}
    StubModel model = model();
    ModelConfig config = ModelConfig.of("echo.model").withDecorators(List.of(new Cache()));

    assertThatThrownBy(() -> chains().decorate(model, SOURCE, config))
        .isInstanceOf(ModelLoadException.class)
        // Every kind on the class path, sorted (the list grows with the modules installed).
        .hasMessageContaining("(installed: batching, cache, circuit-breaker,")
        .hasMessageContaining(" prediction-log,")
        .hasMessageContaining(" test-attributes, test-tag, tracing)");
    assertThat(model.isClosed()).isTrue();
  }
}
