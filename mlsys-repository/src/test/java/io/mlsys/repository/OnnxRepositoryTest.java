package io.mlsys.repository;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository with the real ONNX Runtime loader and the shared iris fixtures. */
class OnnxRepositoryTest {
  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2026-01-01T00:00:00Z"));

  /** As a server loads models: ONNX Runtime found through the ModelRuntime SPI. */
  private static final ModelLoader ONNX = ModelLoader.installedRuntimes();

  @TempDir Path models;

  /** Links (never copies) a fixture into the temporary repository. */
  private void link(String fixture, String model, String version) throws IOException {
    Path folder = Files.createDirectories(models.resolve(model).resolve(version));
    Files.createSymbolicLink(folder.resolve("model.onnx"), Fixtures.require(fixture));
  }

  @Test
  void servesTheIrisModelWithItsLabelsAndReloadsIt() throws IOException {
    link("sklearn-iris/iris_svc.onnx", "iris", "1");
    Files.writeString(
        models.resolve("iris/config.yaml"),
        "labels: "
            + Fixtures.require("sklearn-iris/label.json")
            + "\ndefault-outputs: [output_label]\n");
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));

    try (ModelRepository repository =
        ModelRepository.create(config, ONNX, RepositoryListener.NONE, Map.of())) {
      repository.loadAll();

      assertThat(repository.isReady()).isTrue();
      assertThat(repository.metadata("iris", null).labels())
          .containsEntry("0", "setosa")
          .containsEntry("2", "virginica");
      assertThat(label(repository, 5.1f, 3.5f, 1.4f, 0.2f)).isEqualTo(0);
      assertThat(label(repository, 6.7f, 3.0f, 5.2f, 2.3f)).isEqualTo(2);

      link("sklearn-iris/iris_svc.onnx", "iris", "2");
      repository.load("iris");

      assertThat(repository.versions("iris")).containsExactly("2");
      InferResponse response =
          repository.predictor("iris", null).infer(InferRequest.of(row(1f, 2f, 3f, 4f)), CONTEXT);
      assertThat(response.modelVersion()).isEqualTo("2");
      assertThat(response.output("output_label").orElseThrow().longs()).containsExactly(2L);
    }
  }

  @Test
  void aFileThatIsNotAnOnnxModelFailsThatModelOnly() throws IOException {
    link("sklearn-iris/iris_svc.onnx", "iris", "1");
    Path broken = Files.createDirectories(models.resolve("broken/1"));
    Files.writeString(broken.resolve("model.onnx"), "not a model");
    ModelsConfig config =
        ModelsConfig.defaults().withModelRepository(ModelRepositoryConfig.of(models));

    try (ModelRepository repository =
        ModelRepository.create(config, ONNX, RepositoryListener.NONE, Map.of())) {
      repository.loadAll();

      assertThat(repository.index())
          .extracting(ModelStatus::name, ModelStatus::state)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("broken", ModelState.FAILED),
              org.assertj.core.groups.Tuple.tuple("iris", ModelState.READY));
      // Named inside the repository, also where ONNX Runtime's own message quotes the path.
      assertThat(repository.index().getFirst().reason())
          .contains("broken/1/model.onnx")
          .doesNotContain(models.toString());
      assertThat(label(repository, 5.1f, 3.5f, 1.4f, 0.2f)).isEqualTo(0);
    }
  }

  private static long label(ModelRepository repository, float... features) {
    InferResponse response =
        repository.predictor("iris", null).infer(InferRequest.of(row(features)), CONTEXT);
    return response.output("output_label").orElseThrow().longs()[0];
  }

  private static Tensor row(float... features) {
    return new Tensor(
        "float_input",
        io.mlsys.core.DataType.FP32,
        new long[] {1, features.length},
        new io.mlsys.core.TensorData.Floats(features),
        Map.of());
  }
}
