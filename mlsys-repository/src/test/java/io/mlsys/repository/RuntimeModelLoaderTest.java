package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.spi.ModelArtifact;
import io.mlsys.core.spi.ModelRuntime;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models are loaded by the {@link ModelRuntime} of their platform. */
class RuntimeModelLoaderTest {

  /** A runtime that records what it was asked to load and serves a stub. */
  private static final class FakeRuntime implements ModelRuntime {
    final Queue<ModelArtifact> loaded = new ConcurrentLinkedQueue<>();
    private final String platform;

    FakeRuntime(String platform) {
      this.platform = platform;
    }

    @Override
    public String platform() {
      return platform;
    }

    @Override
    public String modelFileName() {
      return "model." + platform;
    }

    @Override
    public Model load(ModelArtifact artifact) {
      loaded.add(artifact);
      return new StubModel(
          new ModelMetadata(
              artifact.name(),
              artifact.version(),
              platform,
              List.of(),
              List.of(),
              artifact.labels(),
              Map.of()),
          (request, context) -> {
            throw new UnsupportedOperationException();
          });
    }
  }

  @TempDir Path dir;

  private static ModelSource source(String platform) {
    return new ModelSource(
        "m",
        "3",
        Path.of("/srv/models/m/3/model.bin"),
        platform,
        Map.of("0", "cat"),
        2,
        List.of("y"),
        "m/3/model.bin");
  }

  @Test
  void eachSourceGoesToTheRuntimeOfItsPlatformWithWhatTheRepositoryDescribes() {
    FakeRuntime first = new FakeRuntime("first");
    FakeRuntime second = new FakeRuntime("second");

    try (Model model = ModelLoader.runtimes(List.of(first, second)).load(source("second"))) {
      assertThat(model.metadata().platform()).isEqualTo("second");
    }

    assertThat(first.loaded).isEmpty();
    assertThat(second.loaded)
        .containsExactly(
            new ModelArtifact(
                "m",
                "3",
                Path.of("/srv/models/m/3/model.bin"),
                "m/3/model.bin",
                Map.of("0", "cat"),
                2,
                List.of("y")));
  }

  @Test
  void aPlatformWithoutRuntimeFailsToLoadListingTheInstalledOnes() {
    ModelLoader loader =
        ModelLoader.runtimes(List.of(new FakeRuntime("zeta"), new FakeRuntime("alpha")));

    assertThatThrownBy(() -> loader.load(source("tensorflow_savedmodel")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage(
            "model 'm' failed to load: platform 'tensorflow_savedmodel': no runtime installed"
                + " (installed: alpha, zeta)");
  }

  @Test
  void withoutRuntimesNoPlatformLoads() {
    assertThatThrownBy(() -> ModelLoader.runtimes(List.of()).load(source("onnxruntime_onnx")))
        .isInstanceOf(ModelLoadException.class)
        .extracting(e -> ((ModelLoadException) e).reason())
        .isEqualTo("platform 'onnxruntime_onnx': no runtime installed (installed: none)");
  }

  @Test
  void twoRuntimesForOnePlatformAreRefused() {
    List<ModelRuntime> runtimes = List.of(new FakeRuntime("twin"), new FakeRuntime("twin"));

    assertThatThrownBy(() -> ModelLoader.runtimes(runtimes))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("platform 'twin': two runtimes installed (")
        .hasMessageEndingWith("; expected: one runtime per platform)");
  }

  @Test
  void theInstalledRuntimesIncludeOnnxRuntime() {
    ModelSource iris =
        new ModelSource(
            "flowers",
            "3",
            Fixtures.require("sklearn-iris/iris_svc.onnx"),
            "onnxruntime_onnx",
            Map.of("0", "setosa"),
            1,
            List.of());

    try (Model model = ModelLoader.installedRuntimes().load(iris)) {
      assertThat(model.metadata().name()).isEqualTo("flowers");
      assertThat(model.metadata().version()).isEqualTo("3");
      assertThat(model.metadata().platform()).isEqualTo("onnxruntime_onnx");
      assertThat(model.metadata().labels()).containsEntry("0", "setosa");
    }
    assertThat(ModelLoader.installedRuntimes().modelFileName("onnxruntime_onnx"))
        .isEqualTo("model.onnx");
  }

  @Test
  void invalidOnnxOptionsAreALoadFailure() {
    ModelSource source =
        new ModelSource(
            "m", "1", Path.of("model.onnx"), "onnxruntime_onnx", Map.of(), 0, List.of());

    assertThatThrownBy(() -> ModelLoader.installedRuntimes().load(source))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("intraOpThreads: 0");
  }

  @Test
  void aRepositoryFolderHoldsTheFileItsRuntimeNames() throws IOException {
    Path models = dir.resolve("models");
    Files.createDirectories(models.resolve("m/1"));
    Files.writeString(models.resolve("m/1/model.echo"), "");
    Files.writeString(models.resolve("m/config.yaml"), "platform: echo\n");
    FakeRuntime echo = new FakeRuntime("echo");
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));

    try (ModelRepository repository =
        ModelRepository.create(
            config, ModelLoader.runtimes(List.of(echo)), RepositoryListener.NONE, Map.of())) {
      repository.loadAll();

      assertThat(repository.isModelReady("m", "1")).isTrue();
      assertThat(echo.loaded)
          .singleElement()
          .extracting(ModelArtifact::location)
          .isEqualTo(Path.of("m", "1", "model.echo").toString());
    }
  }

  @Test
  void aRepositoryFolderModelOfAPlatformWithoutRuntimeIsFailedWithTheReason() throws IOException {
    Path models = dir.resolve("models");
    Files.createDirectories(models.resolve("tf/1"));
    Files.writeString(models.resolve("tf/config.yaml"), "platform: tensorflow_savedmodel\n");
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));
    String reason = "platform 'tensorflow_savedmodel': no runtime installed (installed: echo)";

    try (ModelRepository repository =
        ModelRepository.create(
            config,
            ModelLoader.runtimes(List.of(new FakeRuntime("echo"))),
            RepositoryListener.NONE,
            Map.of())) {
      repository.loadAll();

      assertThat(repository.index())
          .singleElement()
          .satisfies(
              status -> {
                assertThat(status.state()).isEqualTo(ModelState.FAILED);
                assertThat(status.reason()).isEqualTo(reason);
              });
      assertThatThrownBy(() -> repository.load("tf"))
          .isInstanceOf(ModelLoadException.class)
          .hasMessage("model 'tf' failed to load: " + reason);
    }
  }
}
