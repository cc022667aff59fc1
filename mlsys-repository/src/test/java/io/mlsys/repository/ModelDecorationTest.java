package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelLoadException;
import io.mlsys.resilience.BatchingConfig;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository puts each loaded version behind what the model's config asks for. */
class ModelDecorationTest {
  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));

  @TempDir Path dir;
  private Path models;
  private final StubLoader loader = new StubLoader();
  private final RecordingListener listener = new RecordingListener();

  /** One decoration: the version it wrapped and the config it was given. */
  private record Decorated(String name, String version, ModelConfig config) {}

  private final Queue<Decorated> decorated = new ConcurrentLinkedQueue<>();

  /** Marks each answer with the version it decorated, and records what it was given. */
  private final ModelDecoration marking =
      (model, source, config) -> {
        decorated.add(new Decorated(source.name(), source.version(), config));
        return new ForwardingModel(model) {
          @Override
          public InferResponse infer(InferRequest request, CallContext context) {
            InferResponse inner = delegate().infer(request, context);
            return new InferResponse(
                inner.modelName(),
                inner.modelVersion(),
                inner.id(),
                inner.outputs(),
                Map.of("decorated", source.version()));
          }
        };
      };

  @BeforeEach
  void createRepositoryFolder() throws IOException {
    models = Files.createDirectories(dir.resolve("models"));
  }

  private void version(String model, String version, String content) throws IOException {
    Path folder = Files.createDirectories(models.resolve(model).resolve(version));
    Files.writeString(folder.resolve("model.onnx"), content);
  }

  private ModelsConfig config() {
    return ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));
  }

  private ModelRepository repository(ModelsConfig config, ModelDecoration decoration) {
    return ModelRepository.create(config, loader, decoration, listener, Map.of());
  }

  private static InferResponse call(ModelRepository repository, String model) {
    return repository.predictor(model, null).infer(InferRequest.of(), CONTEXT);
  }

  @Test
  void eachLoadedVersionIsDecoratedWithItsModelsConfig() throws IOException {
    version("iris", "1", "v1");
    Files.writeString(models.resolve("iris/config.yaml"), "batching: {max-batch-size: 8}\n");
    Path file = dir.resolve("single.onnx");
    Files.writeString(file, "single");
    ModelConfig single = ModelConfig.of(file.toString()).withVersion("3");

    try (ModelRepository repository = repository(config().withModel("single", single), marking)) {
      repository.loadAll();

      assertThat(call(repository, "iris").parameters()).containsEntry("decorated", "1");
      assertThat(call(repository, "single").parameters()).containsEntry("decorated", "3");
      assertThat(decorated)
          .containsExactlyInAnyOrder(
              new Decorated("single", "3", single),
              new Decorated(
                  "iris",
                  "1",
                  ModelConfig.defaults()
                      .withBatching(BatchingConfig.defaults().withMaxBatchSize(8))));
    }
  }

  @Test
  void aReloadDecoratesTheNewModelAndClosesTheOldChain() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository(config(), marking)) {
      repository.loadAll();
      version("iris", "2", "v2");
      repository.load("iris");

      assertThat(call(repository, "iris").parameters()).containsEntry("decorated", "2");
      assertThat(decorated).extracting(Decorated::version).containsExactly("1", "2");
      // Closing the old decorated model closed the model inside it.
      assertThat(loader.loaded("1").getFirst().closes).hasValue(1);
      assertThat(loader.loaded("2").getFirst().closes).hasValue(0);
    }
  }

  @Test
  void aDecorationThatFailsFailsTheVersionWithItsReason() throws IOException {
    version("iris", "1", "v1");
    ModelDecoration refusing =
        (model, source, config) -> {
          model.close();
          throw new ModelLoadException(source.name(), "batching: does not fit", null);
        };

    try (ModelRepository repository = repository(config(), refusing)) {
      repository.loadAll();

      ModelStatus status = repository.index().getFirst();
      assertThat(status.state()).isEqualTo(ModelState.FAILED);
      assertThat(status.reason()).isEqualTo("batching: does not fit");
      assertThat(loader.loaded("1").getFirst().closes).hasValue(1);
    }
  }

  @Test
  void aConfigYamlWhoseBatchingRepeatsADefaultDecoratorFailsNamingTheFile() throws IOException {
    version("iris", "1", "v1");
    Files.writeString(models.resolve("iris/config.yaml"), "batching: {max-batch-size: 8}\n");
    ModelsConfig config =
        config().withModelDefaults(new ModelDefaultsConfig(List.of(BatchingConfig.defaults())));

    try (ModelRepository repository = repository(config, marking)) {
      repository.loadAll();

      ModelStatus status = repository.index().getFirst();
      assertThat(status.state()).isEqualTo(ModelState.FAILED);
      assertThat(status.reason())
          .isEqualTo(
              "invalid configuration in iris/config.yaml (1 problem):\n"
                  + "  batching: given next to a batching decorator in"
                  + " model-defaults.decorators[0] (expected: one of them; to batch this model"
                  + " otherwise, list its own decorators)");
      assertThat(loader.sources).isEmpty();
      assertThat(decorated).isEmpty();
    }
  }
}
