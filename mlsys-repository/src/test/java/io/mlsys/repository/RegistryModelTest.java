package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model named by a registry reference serves the version the registry resolves it to. */
class RegistryModelTest {
  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));

  @TempDir Path artifacts;

  private final AtomicReference<String> current = new AtomicReference<>("3");
  private final AtomicInteger resolutions = new AtomicInteger();

  private RegistryResolver.ResolvedVersion resolve(String reference) {
    resolutions.incrementAndGet();
    String version = current.get();
    if (version == null) {
      throw new ResourceNotFoundException("registered model alias 'iris@champion' not found");
    }
    Path file = artifacts.resolve(version + ".onnx");
    try {
      if (!Files.exists(file)) {
        Files.writeString(file, "v" + version);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new RegistryResolver.ResolvedVersion(
        version,
        file,
        ModelConfig.ONNX_PLATFORM,
        Map.of("0", "setosa"),
        Map.of("registry.version", version, "registry.alias", "champion"),
        2);
  }

  private ModelRepository repository(StubLoader loader) {
    ModelsConfig config =
        ModelsConfig.defaults()
            .withModels(Map.of("iris", ModelConfig.defaults().withRegistry("iris@champion")));
    return ModelRepository.create(
        config, loader, ModelDecoration.none(), RepositoryListener.NONE, Map.of(), this::resolve);
  }

  @Test
  void servesTheResolvedVersionWithItsLineageAndNamesItInEveryAnswer() {
    StubLoader loader = new StubLoader();
    try (ModelRepository repository = repository(loader)) {
      repository.loadAll();

      assertThat(repository.versions("iris")).containsExactly("3");
      ModelMetadata metadata = repository.metadata("iris", null);
      assertThat(metadata.version()).isEqualTo("3");
      assertThat(metadata.labels()).containsEntry("0", "setosa");
      assertThat(metadata.properties())
          .containsEntry("registry.version", "3")
          .containsEntry("registry.alias", "champion");
      InferResponse response = repository.predictor("iris", null).infer(InferRequest.of(), CONTEXT);
      assertThat(response.modelVersion()).isEqualTo("3");
      assertThat(response.parameters()).containsEntry("registry_version", "3");
      // Two warm-up requests answered before the version served, then the real one.
      assertThat(loader.sources).hasSize(1);
    }
  }

  @Test
  void aReloadSwapsToTheVersionTheAliasNamesNowAndClosesTheOldOne() {
    StubLoader loader = new StubLoader();
    try (ModelRepository repository = repository(loader)) {
      repository.loadAll();
      current.set("4");
      repository.load("iris");

      assertThat(repository.versions("iris")).containsExactly("4");
      assertThat(
              repository.predictor("iris", null).infer(InferRequest.of(), CONTEXT).modelVersion())
          .isEqualTo("4");
      assertThat(loader.loaded("3").getFirst().closes).hasValue(1);
    }
  }

  @Test
  void aReferenceThatNoLongerResolvesKeepsTheServingVersionAndSaysWhy() {
    StubLoader loader = new StubLoader();
    try (ModelRepository repository = repository(loader)) {
      repository.loadAll();
      current.set(null);

      assertThatThrownBy(() -> repository.load("iris"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("registry:iris@champion: registered model alias");
      assertThat(repository.versions("iris")).containsExactly("3");
      assertThat(repository.isModelReady("iris", "3")).isTrue();
    }
  }

  @Test
  void withoutARegistryTheModelFailsNamingWhatIsMissing() {
    ModelsConfig config =
        ModelsConfig.defaults()
            .withModels(Map.of("iris", ModelConfig.defaults().withRegistry("iris/2")));
    try (ModelRepository repository =
        ModelRepository.create(config, new StubLoader(), RepositoryListener.NONE, Map.of())) {
      repository.loadAll();
      assertThat(repository.unready())
          .singleElement()
          .satisfies(
              status ->
                  assertThat(status.reason())
                      .contains("registry:iris/2")
                      .contains("no model registry is configured"));
    }
  }

  @Test
  void configNamesTheRegistryReferenceRules() {
    assertThat(ModelConfig.of("registry:iris@champion").registry()).isEqualTo("iris@champion");
    assertThat(ModelConfig.of("registry:iris@champion").uri()).isNull();
    assertThatThrownBy(() -> ModelConfig.defaults().withRegistry("iris@"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("registry: 'iris@' (expected: name@alias");
    assertThatThrownBy(() -> ModelConfig.of("m.onnx").withRegistry("iris/0"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("registry: 'iris/0'");
    assertThatThrownBy(() -> ModelConfig.defaults().withRegistry("iris/1").withVersion("2"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("version: given for the registry model 'iris/1'");
  }
}
