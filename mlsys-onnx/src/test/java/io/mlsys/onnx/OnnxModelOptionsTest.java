package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxModelOptionsTest {

  @Test
  void defaultsUseOneThreadAllOutputsAndFiniteInputs() {
    OnnxModelOptions options = OnnxModelOptions.defaults("iris", "1");

    assertThat(options.intraOpThreads()).isEqualTo(OnnxModelOptions.DEFAULT_INTRA_OP_THREADS);
    assertThat(options.defaultOutputs()).isEmpty();
    assertThat(options.labels()).isEmpty();
    assertThat(options.allowNonFinite()).isFalse();
  }

  @Test
  void withMethodsChangeOneField() {
    OnnxModelOptions options =
        OnnxModelOptions.defaults("iris", "1")
            .withIntraOpThreads(2)
            .withLabels(Map.of("0", "setosa"))
            .withDefaultOutputs(List.of("output_label"))
            .withAllowNonFinite(true)
            .withVersion("2")
            .withName("iris-svc");

    assertThat(options)
        .isEqualTo(
            new OnnxModelOptions(
                "iris-svc", "2", 2, Map.of("0", "setosa"), List.of("output_label"), true));
  }

  @Test
  void blankNameIsRejected() {
    assertThatThrownBy(() -> OnnxModelOptions.defaults(" ", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name: ' ' (expected: a non-blank name)");
  }

  @Test
  void threadCountOutOfRangeIsRejected() {
    assertThatThrownBy(() -> OnnxModelOptions.defaults("iris", "1").withIntraOpThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("intraOpThreads: 0 (expected: 1 to 256)");
  }

  @Test
  void repeatedDefaultOutputIsRejected() {
    assertThatThrownBy(
            () -> OnnxModelOptions.defaults("iris", "1").withDefaultOutputs(List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("defaultOutputs[1]: 'a' is listed twice (expected: unique names)");
  }

  @Test
  void unversionedModelIsAllowed() {
    assertThat(OnnxModelOptions.defaults("iris", null).version()).isNull();
  }
}
