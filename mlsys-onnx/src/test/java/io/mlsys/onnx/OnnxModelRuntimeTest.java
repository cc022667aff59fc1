package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.spi.ModelArtifact;
import io.mlsys.core.spi.ModelRuntime;
import io.mlsys.testing.Fixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** ONNX Runtime registers itself as the runtime of platform onnxruntime_onnx. */
class OnnxModelRuntimeTest {

  @Test
  void theServiceLoaderFindsOnnxRuntime() {
    List<ModelRuntime> runtimes =
        ServiceLoader.load(ModelRuntime.class).stream().map(ServiceLoader.Provider::get).toList();

    assertThat(runtimes)
        .singleElement()
        .satisfies(
            runtime -> {
              assertThat(runtime).isInstanceOf(OnnxModelRuntime.class);
              assertThat(runtime.platform()).isEqualTo("onnxruntime_onnx");
              assertThat(runtime.modelFileName()).isEqualTo("model.onnx");
            });
  }

  @Test
  void loadsAnArtifactUnderItsNameVersionLabelsAndDefaultOutputs() {
    ModelArtifact artifact =
        new ModelArtifact(
            "flowers",
            "3",
            Fixtures.require("sklearn-iris/iris_svc.onnx"),
            "flowers/3/model.onnx",
            Map.of("0", "setosa"),
            2,
            List.of("output_label"));

    try (Model model = new OnnxModelRuntime().load(artifact)) {
      assertThat(model.metadata().name()).isEqualTo("flowers");
      assertThat(model.metadata().version()).isEqualTo("3");
      assertThat(model.metadata().platform()).isEqualTo("onnxruntime_onnx");
      assertThat(model.metadata().labels()).containsEntry("0", "setosa");
      assertThat(((OnnxModel) model).options().intraOpThreads()).isEqualTo(2);
      assertThat(((OnnxModel) model).options().defaultOutputs()).containsExactly("output_label");
    }
  }

  @Test
  void failuresNameTheFileAsTheArtifactShowsIt() {
    ModelArtifact artifact =
        new ModelArtifact(
            "m",
            "1",
            Path.of("/srv/private/m/1/model.onnx"),
            "m/1/model.onnx",
            Map.of(),
            1,
            List.of());

    assertThatThrownBy(() -> new OnnxModelRuntime().load(artifact))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("m/1/model.onnx")
        .hasMessageNotContaining("/srv/private");
  }

  @Test
  void invalidOptionsAreALoadFailure() {
    ModelArtifact artifact =
        new ModelArtifact("m", "1", Path.of("model.onnx"), "model.onnx", Map.of(), 0, List.of());

    assertThatThrownBy(() -> new OnnxModelRuntime().load(artifact))
        .isInstanceOf(ModelLoadException.class)
        .hasMessage("model 'm' failed to load: intraOpThreads: 0 (expected: 1 to 256)");
  }
}
