package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.LabelsFile;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRepositoryTest {
  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));

  @TempDir Path dir;
  private Path models;
  private final StubLoader loader = new StubLoader();
  private final RecordingListener listener = new RecordingListener();

  @BeforeEach
  void createRepositoryFolder() throws IOException {
    models = Files.createDirectories(dir.resolve("models"));
  }

  private void version(String model, String version, String content) throws IOException {
    Path folder = Files.createDirectories(models.resolve(model).resolve(version));
    Files.writeString(folder.resolve("model.onnx"), content);
  }

  private void modelConfig(String model, String yaml) throws IOException {
    Files.createDirectories(models.resolve(model));
    Files.writeString(models.resolve(model).resolve("config.yaml"), yaml);
  }

  private ModelsConfig config() {
    return ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));
  }

  private ModelRepository repository() {
    return repository(config());
  }

  private ModelRepository repository(ModelsConfig config) {
    return ModelRepository.create(config, loader, listener, Map.of());
  }

  private static String answeringVersion(ModelRepository repository, String model, String version) {
    return repository.predictor(model, version).infer(InferRequest.of(), CONTEXT).modelVersion();
  }

  private static ModelStatus status(String name, String version, ModelState state) {
    return new ModelStatus(name, version, state, "", null);
  }

  /** The index without load times and reasons, which vary. */
  private static List<ModelStatus> states(ModelRepository repository) {
    return repository.index().stream().map(s -> status(s.name(), s.version(), s.state())).toList();
  }

  private static ModelStatus statusOf(ModelRepository repository, String name, String version) {
    return repository.index().stream()
        .filter(s -> s.name().equals(name) && java.util.Objects.equals(s.version(), version))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void scansTheLayoutAndServesTheHighestVersion() throws IOException {
    version("iris", "1", "iris v1");
    version("iris", "2", "iris v2");
    version("wine", "1", "wine v1");
    Files.createDirectories(models.resolve("iris/notes"));
    Files.createDirectories(models.resolve(".cache/1"));
    Files.createDirectories(models.resolve("lost+found"));
    Files.writeString(models.resolve("README.md"), "not a model");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("iris", "2", ModelState.READY), status("wine", "1", ModelState.READY));
      assertThat(repository.versions("iris")).containsExactly("2");
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("2");
      assertThat(loader.sources)
          .extracting(ModelSource::file)
          .containsExactlyInAnyOrder(
              models.resolve("iris/2/model.onnx"), models.resolve("wine/1/model.onnx"));
      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void loadTimeIsRecorded() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "iris", "1").loadTime())
          .isNotNull()
          .isGreaterThanOrEqualTo(java.time.Duration.ZERO);
      assertThat(listener.list()).containsExactly("loaded iris 1");
    }
  }

  @Test
  void latestTwoServesTheTwoHighestVersionsInNumericOrder() throws IOException {
    version("iris", "1", "v1");
    version("iris", "2", "v2");
    version("iris", "10", "v10");
    modelConfig("iris", "version-policy: { latest: 2 }");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.versions("iris")).containsExactly("10", "2");
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("10");
      assertThat(states(repository))
          .containsExactly(
              status("iris", "2", ModelState.READY), status("iris", "10", ModelState.READY));
    }
  }

  @Test
  void allServesEveryVersion() throws IOException {
    version("iris", "1", "v1");
    version("iris", "2", "v2");
    version("iris", "3", "v3");
    modelConfig("iris", "version-policy: { all: {} }");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.versions("iris")).containsExactly("3", "2", "1");
      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void specificServesExactlyThoseVersionsAndFailsAMissingOne() throws IOException {
    version("iris", "1", "v1");
    version("iris", "2", "v2");
    modelConfig("iris", "version-policy: { specific: [1, 3] }");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("iris", "1", ModelState.READY), status("iris", "3", ModelState.FAILED));
      assertThat(statusOf(repository, "iris", "3").reason())
          .startsWith("no folder iris/3 (expected:");
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("1");
      assertThatThrownBy(() -> answeringVersion(repository, "iris", "3"))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessageContaining("version 3 is FAILED: no folder");
      // The model serves by the version that loaded; the failed one is reported on its own.
      assertThat(repository.isReady()).isTrue();
      assertThat(repository.versions("iris")).containsExactly("1");
    }
  }

  @Test
  void theLabelsFileReachesTheLoaderAndTheMetadata() throws IOException {
    version("iris", "1", "v1");
    Files.writeString(
        models.resolve("iris/species.json"), "{\"0\": \"setosa\", \"1\": \"versicolor\"}");
    modelConfig("iris", "labels: species.json\ndefault-outputs: [output_label]");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.metadata("iris", null).labels())
          .isEqualTo(Map.of("0", "setosa", "1", "versicolor"));
      assertThat(loader.sources.peek().defaultOutputs()).containsExactly("output_label");
    }
  }

  @Test
  void aLabelsArrayIsKeyedByIndex() throws IOException {
    version("net", "1", "v1");
    Files.writeString(models.resolve("net/labels.json"), "[\"tench\", \"goldfish\"]");
    modelConfig("net", "labels: labels.json");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.metadata("net", "1").labels())
          .isEqualTo(Map.of("0", "tench", "1", "goldfish"));
    }
  }

  @Test
  void aTextLabelsFileHoldsOneLabelALine() throws IOException {
    version("net", "1", "v1");
    Files.writeString(models.resolve("net/labels.txt"), "tench\ngoldfish\n");
    modelConfig("net", "labels: labels.txt");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.metadata("net", "1").labels())
          .isEqualTo(Map.of("0", "tench", "1", "goldfish"));
    }
  }

  @Test
  void aBadLabelsFileFailsThatModelWithAClearReason() throws IOException {
    version("iris", "1", "v1");
    Files.writeString(models.resolve("iris/labels.json"), "{\"0\": \"setosa\", \"1\": [7]}");
    modelConfig("iris", "labels: labels.json");
    version("wine", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "iris", null).state()).isEqualTo(ModelState.FAILED);
      assertThat(statusOf(repository, "iris", null).reason())
          .isEqualTo(
              "labels: iris/labels.json: the label at \"1\" is an array, not a string or number"
                  + " (expected: "
                  + LabelsFile.EXPECTED
                  + ")");
      assertThat(answeringVersion(repository, "wine", null)).isEqualTo("1");
    }
  }

  @Test
  void labelsThatAreNotJsonNameTheLine() throws IOException {
    version("iris", "1", "v1");
    Files.writeString(models.resolve("iris/labels.json"), "{\"0\": \"setosa\",\n oops}");
    modelConfig("iris", "labels: labels.json");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "iris", null).reason())
          .startsWith("labels: iris/labels.json: not valid JSON at line 2");
    }
  }

  @Test
  void aFailingModelIsRecordedWhileTheOthersServe() throws IOException {
    version("bad", "1", "fail");
    version("good", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      ModelStatus bad = statusOf(repository, "bad", "1");
      assertThat(bad.state()).isEqualTo(ModelState.FAILED);
      // The loader's reason, without its "model 'bad' failed to load: " again.
      assertThat(bad.reason()).startsWith("corrupt model file");
      assertThatThrownBy(() -> answeringVersion(repository, "bad", null))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessage("model 'bad' is not ready: " + bad.reason());
      assertThatThrownBy(() -> repository.metadata("bad", null))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessageContaining("corrupt model file");
      assertThat(repository.isModelReady("bad", null)).isFalse();
      assertThat(repository.isModelReady("good", null)).isTrue();
      assertThat(answeringVersion(repository, "good", null)).isEqualTo("1");
      assertThat(repository.isReady()).isFalse();
      assertThat(listener.list()).contains("failed bad 1", "loaded good 1");
    }
  }

  @Test
  void aCrashingLoaderIsAFailureOfThatModel() throws IOException {
    version("odd", "1", "crash");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "odd", "1").reason())
          .isEqualTo("IllegalStateException: loader crashed");
    }
  }

  @Test
  void notReadyUntilEverythingIsLoaded() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      assertThat(repository.isReady()).isFalse();
      assertThat(repository.index()).isEmpty();

      repository.loadAll();

      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void anEmptyRepositoryIsReadyOnceLoaded() {
    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(repository.isReady()).isTrue();
      assertThat(repository.index()).isEmpty();
    }
  }

  @Test
  void unloadStopsServingUntilTheNextLoad() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      repository.unload("iris");

      assertThat(states(repository)).containsExactly(status("iris", "1", ModelState.UNAVAILABLE));
      assertThat(repository.isModelReady("iris", null)).isFalse();
      assertThatThrownBy(() -> answeringVersion(repository, "iris", null))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessage("model 'iris' is not ready: unloaded");
      assertThat(loader.loaded("1").getFirst().closes).hasValue(1);
      assertThat(listener.list()).containsExactly("loaded iris 1", "unloaded iris 1");

      repository.load("iris");

      assertThat(states(repository)).containsExactly(status("iris", "1", ModelState.READY));
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("1");
      assertThat(loader.loaded("1")).hasSize(2);
    }
  }

  @Test
  void anUnloadedModelDoesNotMakeTheServerUnready() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      repository.unload("iris");

      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void unknownModelsAreNotFound() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThatThrownBy(() -> repository.load("nope"))
          .isInstanceOf(ModelNotFoundException.class)
          .hasMessage("model 'nope' is not found");
      assertThatThrownBy(() -> repository.load("../models"))
          .isInstanceOf(ModelNotFoundException.class);
      assertThatThrownBy(() -> repository.unload("nope"))
          .isInstanceOf(ModelNotFoundException.class);
      assertThatThrownBy(() -> repository.predictor("nope", null))
          .isInstanceOf(ModelNotFoundException.class);
      assertThatThrownBy(() -> repository.metadata("nope", null))
          .isInstanceOf(ModelNotFoundException.class);
      assertThatThrownBy(() -> repository.versions("nope"))
          .isInstanceOf(ModelNotFoundException.class);
      assertThat(repository.isModelReady("nope", null)).isFalse();
    }
  }

  @Test
  void aVersionSpecificPredictorAnswersWithThatVersion() throws IOException {
    version("iris", "1", "v1");
    version("iris", "2", "v2");
    modelConfig("iris", "version-policy: { all: {} }");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(answeringVersion(repository, "iris", "1")).isEqualTo("1");
      assertThat(answeringVersion(repository, "iris", "2")).isEqualTo("2");
      assertThat(repository.metadata("iris", "1").version()).isEqualTo("1");
      assertThat(repository.metadata("iris", null).version()).isEqualTo("2");
      assertThat(repository.isModelReady("iris", "1")).isTrue();
      assertThat(repository.isModelReady("iris", "3")).isFalse();
      assertThatThrownBy(() -> repository.predictor("iris", "3"))
          .isInstanceOf(ModelNotFoundException.class)
          .hasMessage("model 'iris' has no version '3'");
    }
  }

  @Test
  void aBadConfigYamlFailsThatModelWithEveryProblem() throws IOException {
    version("iris", "1", "v1");
    modelConfig("iris", "version-policy: { latest: 0 }\ncolour: red\n");
    version("wine", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      ModelStatus iris = statusOf(repository, "iris", null);
      assertThat(iris.state()).isEqualTo(ModelState.FAILED);
      assertThat(iris.reason())
          // Named as the client knows it: inside the repository, not by the server's path.
          .startsWith("invalid configuration in iris/config.yaml (")
          .contains("version-policy.latest: 0 (expected: an integer >= 1)")
          .contains("colour: unknown key (expected one of: labels, platform");
      assertThatThrownBy(() -> answeringVersion(repository, "iris", null))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessageContaining("version-policy.latest: 0");
      assertThatThrownBy(() -> repository.load("iris"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("version-policy.latest: 0");
      assertThat(answeringVersion(repository, "wine", null)).isEqualTo("1");
    }
  }

  @Test
  void aConfigYamlReadsTheInjectedEnvironment() throws IOException {
    version("iris", "1", "v1");
    modelConfig("iris", "intra-op-threads: ${IRIS_THREADS:-2}");

    try (ModelRepository repository =
        ModelRepository.create(config(), loader, listener, Map.of("IRIS_THREADS", "3"))) {
      repository.loadAll();

      assertThat(loader.sources.peek().intraOpThreads()).isEqualTo(3);
    }
  }

  @Test
  void aModelWithoutVersionFoldersFails() throws IOException {
    Files.createDirectories(models.resolve("empty/latest"));

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "empty", null).reason())
          .isEqualTo("no version folders in empty (expected: empty/<positive integer>/model.onnx)");
    }
  }

  @Test
  void aVersionFolderWithoutAModelFileFails() throws IOException {
    Files.createDirectories(models.resolve("iris/1"));

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(statusOf(repository, "iris", "1").reason())
          .isEqualTo("no model file iris/1/model.onnx");
    }
  }

  @Test
  void modelsOfTheMainConfigAreServedAsOneVersion() throws IOException {
    Path file = dir.resolve("single.onnx");
    Files.writeString(file, "single");
    Path labels = dir.resolve("labels.json");
    Files.writeString(labels, "{\"0\": \"no\", \"1\": \"yes\"}");
    ModelsConfig config =
        ModelsConfig.defaults()
            .withOnnx(new OnnxConfig(2))
            .withModel("single", ModelConfig.of(file.toString()).withLabels(labels.toString()))
            .withModel(
                "pinned", ModelConfig.of(file.toString()).withVersion("7").withIntraOpThreads(4));

    try (ModelRepository repository = repository(config)) {
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("pinned", "7", ModelState.READY), status("single", "1", ModelState.READY));
      assertThat(repository.metadata("single", null).labels()).containsEntry("1", "yes");
      assertThat(loader.sources)
          .extracting(ModelSource::name, ModelSource::intraOpThreads)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("single", 2),
              org.assertj.core.groups.Tuple.tuple("pinned", 4));
    }
  }

  @Test
  void aMissingModelFileOfTheMainConfigFailsThatModel() {
    ModelsConfig config =
        ModelsConfig.defaults()
            .withModel("gone", ModelConfig.of(dir.resolve("gone.onnx").toString()));

    try (ModelRepository repository = repository(config)) {
      repository.loadAll();

      assertThat(statusOf(repository, "gone", "1").reason())
          .isEqualTo("no model file " + dir.resolve("gone.onnx"));
    }
  }

  @Test
  void aNameDefinedTwiceIsAFailure() throws IOException {
    version("iris", "1", "v1");
    ModelsConfig config = config().withModel("iris", ModelConfig.of("/srv/iris.onnx"));

    try (ModelRepository repository = repository(config)) {
      repository.loadAll();

      assertThat(statusOf(repository, "iris", null).reason())
          .startsWith("defined twice: as models.iris in mlsys.yaml and as the folder");
    }
  }

  @Test
  void reloadingSwapsInANewVersionAndRetiresTheOld() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      version("iris", "2", "v2");
      repository.load("iris");

      assertThat(repository.versions("iris")).containsExactly("2");
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("2");
      assertThat(loader.loaded("1").getFirst().closes).hasValue(1);
      assertThat(listener.list())
          .containsExactly("loaded iris 1", "loaded iris 2", "unloaded iris 1");
      assertThatThrownBy(() -> repository.predictor("iris", "1"))
          .isInstanceOf(ModelNotFoundException.class);
    }
  }

  @Test
  void reloadingTheSameVersionReplacesItsModel() throws IOException {
    version("iris", "1", "old");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      version("iris", "1", "new");
      repository.load("iris");

      assertThat(repository.metadata("iris", "1").properties()).containsEntry("content", "new");
      assertThat(loader.loaded("1")).extracting(model -> model.closes.get()).containsExactly(1, 0);
    }
  }

  @Test
  void aFailedReloadKeepsTheOldVersionsServing() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      version("iris", "2", "fail");

      assertThatThrownBy(() -> repository.load("iris"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageStartingWith("model 'iris' failed to load: version 2: corrupt model file");
      assertThat(repository.versions("iris")).containsExactly("1");
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("1");
      // The refused version is listed with its reason next to the one that keeps serving.
      assertThat(states(repository))
          .containsExactly(
              status("iris", "1", ModelState.READY), status("iris", "2", ModelState.FAILED));
      assertThat(statusOf(repository, "iris", "2").reason()).startsWith("corrupt model file");
      assertThat(repository.isReady()).isTrue();
      assertThat(loader.loaded("1").getFirst().closes).hasValue(0);
      assertThat(listener.list()).containsExactly("loaded iris 1", "failed iris 2");
    }
  }

  @Test
  void aPartlyFailedReloadClosesWhatItLoadedAndKeepsTheOld() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      modelConfig("iris", "version-policy: { all: {} }");
      version("iris", "2", "fail");

      assertThatThrownBy(() -> repository.load("iris")).isInstanceOf(ModelLoadException.class);

      assertThat(loader.loaded("1")).extracting(model -> model.closes.get()).containsExactly(0, 1);
      assertThat(answeringVersion(repository, "iris", null)).isEqualTo("1");
    }
  }

  @Test
  void aFailedModelServesOnceItsReloadSucceeds() throws IOException {
    version("iris", "1", "fail");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      version("iris", "1", "fixed");
      repository.load("iris");

      assertThat(states(repository)).containsExactly(status("iris", "1", ModelState.READY));
      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void aModelWhoseFolderIsDeletedIsForgottenOnLoad() throws IOException {
    version("iris", "1", "v1");
    version("wine", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      var predictor = repository.predictor("iris", null);
      deleteRecursively(models.resolve("iris"));

      assertThatThrownBy(() -> repository.load("iris")).isInstanceOf(ModelNotFoundException.class);

      assertThat(states(repository)).containsExactly(status("wine", "1", ModelState.READY));
      // iris and wine load at once, in either order.
      assertThat(loader.loaded("iris", "1").getFirst().closes).hasValue(1);
      assertThatThrownBy(() -> predictor.infer(InferRequest.of(), CONTEXT))
          .isInstanceOf(ModelNotFoundException.class);
      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void closeClosesEveryModelAndRefusesLaterCalls() throws IOException {
    version("iris", "1", "v1");
    version("wine", "1", "v1");
    ModelRepository repository = repository();
    repository.loadAll();

    repository.close();

    assertThat(loader.models).allSatisfy(model -> assertThat(model.closes).hasValue(1));
    assertThat(repository.isReady()).isFalse();
    assertThatThrownBy(() -> answeringVersion(repository, "iris", null))
        .isInstanceOf(ModelNotReadyException.class)
        .hasMessageContaining("the repository is closed");
    assertThatThrownBy(repository::loadAll).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRepositoryFolderThatDoesNotExistIsAConfigError() {
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(dir.resolve("none")));

    assertThatThrownBy(() -> repository(config))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "model-repository.path: '" + dir.resolve("none") + "' (expected: an existing folder)");
  }

  @Test
  void aListenerThatThrowsDoesNotBreakLoading() throws IOException {
    version("iris", "1", "v1");
    RepositoryListener throwing =
        new RepositoryListener() {
          @Override
          public void loaded(String name, String version, java.time.Duration loadTime) {
            throw new IllegalStateException("listener bug");
          }
        };

    try (ModelRepository repository =
        ModelRepository.create(config(), loader, throwing, Map.of())) {
      repository.loadAll();

      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void aBrokenNewestVersionLeavesLatestServedByTheNextOneThatLoads() throws IOException {
    version("m", "22", "v22");
    version("m", "23", "fail");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("m", "22", ModelState.READY), status("m", "23", ModelState.FAILED));
      assertThat(statusOf(repository, "m", "23").reason()).startsWith("corrupt model file");
      assertThat(repository.versions("m")).containsExactly("22");
      assertThat(answeringVersion(repository, "m", null)).isEqualTo("22");
      assertThatThrownBy(() -> answeringVersion(repository, "m", "23"))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessageContaining("version 23 is FAILED: corrupt model file");
      assertThat(repository.isReady()).isTrue();
      assertThat(repository.unready()).isEmpty();
      assertThat(listener.list()).containsExactlyInAnyOrder("failed m 23", "loaded m 22");
    }
  }

  @Test
  void latestTwoServesTheTwoNewestVersionsThatLoad() throws IOException {
    version("m", "1", "v1");
    version("m", "2", "v2");
    version("m", "3", "v3");
    version("m", "4", "fail");
    modelConfig("m", "version-policy: { latest: 2 }");

    try (ModelRepository repository = repository()) {
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("m", "2", ModelState.READY),
              status("m", "3", ModelState.READY),
              status("m", "4", ModelState.FAILED));
      assertThat(loader.loaded("1")).isEmpty();
    }
  }

  @Test
  void aRestartAfterARefusedVersionServesTheVersionThatKeptServing() throws IOException {
    version("m", "22", "v22");
    try (ModelRepository first = repository()) {
      first.loadAll();
      version("m", "23", "fail");
      assertThatThrownBy(() -> first.load("m")).isInstanceOf(ModelLoadException.class);
      assertThat(answeringVersion(first, "m", null)).isEqualTo("22");
    }

    try (ModelRepository restarted = repository()) {
      restarted.loadAll();

      assertThat(restarted.isReady()).isTrue();
      assertThat(answeringVersion(restarted, "m", null)).isEqualTo("22");
      assertThat(statusOf(restarted, "m", "23").state()).isEqualTo(ModelState.FAILED);
    }
  }

  @Test
  void aModelWaitingForItsTurnToLoadIsNotReadyRatherThanNotFound() throws Exception {
    // More models than loads run at once: the last ones wait for a free load slot.
    int parallelLoads = Math.max(1, Runtime.getRuntime().availableProcessors());
    for (int i = 0; i <= parallelLoads; i++) {
      version("m" + i, "1", "v1");
    }
    java.util.Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ModelLoader blocking =
        source -> {
          started.add(source.name());
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return loader.load(source);
        };

    try (ModelRepository repository =
        ModelRepository.create(config(), blocking, listener, Map.of())) {
      Thread loading = Thread.ofVirtual().start(repository::loadAll);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (started.size() < parallelLoads && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      String waiting =
          java.util.stream.IntStream.rangeClosed(0, parallelLoads)
              .mapToObj(i -> "m" + i)
              .filter(name -> !started.contains(name))
              .findFirst()
              .orElseThrow();
      try {
        assertThatThrownBy(() -> answeringVersion(repository, waiting, null))
            .isInstanceOf(ModelNotReadyException.class)
            .hasMessageContaining("loading");
        assertThatThrownBy(() -> answeringVersion(repository, waiting, "1"))
            .isInstanceOf(ModelNotReadyException.class);
        assertThatThrownBy(() -> repository.predictor("unknown", null))
            .isInstanceOf(ModelNotFoundException.class);
        assertThat(statusOf(repository, waiting, null).state()).isEqualTo(ModelState.LOADING);
      } finally {
        release.countDown();
        loading.join();
      }
      assertThat(answeringVersion(repository, waiting, null)).isEqualTo("1");
    }
  }

  @Test
  void aScannedModelIsNotReadyUntilLoaded() throws IOException {
    version("iris", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.scan();

      assertThat(states(repository)).containsExactly(status("iris", null, ModelState.LOADING));
      assertThatThrownBy(() -> answeringVersion(repository, "iris", null))
          .isInstanceOf(ModelNotReadyException.class)
          .hasMessage("model 'iris' is not ready: loading");
      assertThatThrownBy(() -> repository.predictor("wine", null))
          .isInstanceOf(ModelNotFoundException.class);
      assertThat(repository.isReady()).isFalse();
      assertThat(loader.sources).isEmpty();
    }
  }

  @Test
  void aModelUnloadedBeforeItsStartLoadStaysUnloaded() throws IOException {
    version("iris", "1", "v1");
    version("wine", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.scan();
      repository.unload("wine");
      repository.loadAll();

      assertThat(states(repository))
          .containsExactly(
              status("iris", "1", ModelState.READY), status("wine", null, ModelState.UNAVAILABLE));
      assertThat(repository.isReady()).isTrue();
      assertThat(loader.loaded("1")).hasSize(1);
    }
  }

  @Test
  void readinessExpectsEveryModelButThoseUnloadedAndAgainOnceLoaded() throws IOException {
    version("a", "1", "v1");
    version("b", "1", "v1");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      repository.unload("a");

      assertThat(repository.isReady()).isTrue();
      assertThat(repository.unready()).isEmpty();

      version("a", "1", "fail");
      assertThatThrownBy(() -> repository.load("a")).isInstanceOf(ModelLoadException.class);

      // Loaded again, it is expected again: its failure makes the repository unready.
      assertThat(repository.isReady()).isFalse();
      assertThat(repository.unready())
          .extracting(ModelStatus::name, ModelStatus::version, ModelStatus::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "1", ModelState.FAILED));

      version("a", "1", "fixed");
      repository.load("a");

      assertThat(repository.isReady()).isTrue();
    }
  }

  @Test
  void unreadyNamesTheExpectedModelNotAnUnloadedOne() throws IOException {
    version("a", "1", "v1");
    version("b", "1", "fail");

    try (ModelRepository repository = repository()) {
      repository.loadAll();
      repository.unload("a");

      assertThat(repository.unready())
          .extracting(ModelStatus::name, ModelStatus::state)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("b", ModelState.FAILED));
    }
  }

  @Test
  void aModelOfTheMainConfigIsNamedByItsUriAsWritten() {
    ModelsConfig config =
        ModelsConfig.defaults().withModel("gone", ModelConfig.of("file:models/gone.onnx"));

    try (ModelRepository repository = repository(config)) {
      repository.loadAll();

      assertThat(statusOf(repository, "gone", "1").reason())
          .isEqualTo("no model file file:models/gone.onnx");
    }
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
