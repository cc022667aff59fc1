package io.mlsys.transform;

import static io.mlsys.transform.Steps.pipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessTest {

  private static TensorAccess access(TransformConfig step) {
    return pipeline(step).access().getFirst();
  }

  @Test
  void aStepWithoutOutputReplacesItsTensor() {
    assertThat(access(new TransformConfig.Softmax("logits", -1, null)))
        .isEqualTo(TensorAccess.replacing("logits", "logits"));
    assertThat(access(new TransformConfig.Scale("x", List.of(1.0), List.of(2.0), "scaled")))
        .isEqualTo(TensorAccess.replacing("x", "scaled"));
  }

  @Test
  void concatReadsEveryPartAndWritesItsOutput() {
    TensorAccess access = access(new TransformConfig.Concat(List.of("a", "b"), 1, "ab"));

    assertThat(access.reads()).containsExactly("a", "b");
    assertThat(access.writes()).containsExactly("ab");
    assertThat(access.keepsOthers()).isTrue();
  }

  @Test
  void renameMovesEachNewNameFromItsOldOneInConfigOrder() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("b", "x");
    names.put("a", "y");

    TensorAccess access = access(new TransformConfig.Rename(names));

    assertThat(access.moves()).containsExactly(Map.entry("x", "b"), Map.entry("y", "a"));
    assertThat(access.reads()).isEmpty();
    assertThat(access.keepsOthers()).isTrue();
  }

  @Test
  void selectMovesItsTensorsAndKeepsNothingElse() {
    TensorAccess access = access(new TransformConfig.Select(List.of("b", "a")));

    assertThat(access.moves()).containsExactly(Map.entry("b", "b"), Map.entry("a", "a"));
    assertThat(access.keepsOthers()).isFalse();
  }

  @Test
  void imageFixesWhatItReads() {
    TensorAccess access =
        access(
            new TransformConfig.Image(
                "image", "x", 8, 8, "stretch", "RGB", "auto", 255.0, List.of(), List.of(), "NCHW",
                0.0));

    assertThat(access.reads()).containsExactly("image");
    assertThat(access.expects())
        .containsExactly(new TensorSpec("image", DataType.BYTES, List.of(-1L)));
    assertThat(access.writes()).containsExactly("x");
  }

  @Test
  void topKWritesItsLabelsOnlyWithLabels() {
    assertThat(access(new TransformConfig.TopK("p", 2, "top", null)).writes())
        .containsExactly("top_values", "top_indices");
  }

  @Test
  void anUnknownAccessNamesNoTensors() {
    assertThat(TensorAccess.unknown().known()).isFalse();
    assertThatThrownBy(
            () -> new TensorAccess(false, List.of("x"), List.of(), List.of(), Map.of(), true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExpectedReadMustBeARead() {
    assertThatThrownBy(
            () ->
                TensorAccess.replacing("a", "a")
                    .expecting(new TensorSpec("b", DataType.BYTES, List.of(-1L))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expects: 'b' (expected: one of the reads [a])");
  }

  @Test
  void thePipelineNamesItsStepKinds() {
    assertThat(
            pipeline(
                    new TransformConfig.Select(List.of("a")),
                    new TransformConfig.MinMax("a", List.of(0.0), List.of(1.0), null, null))
                .kinds())
        .containsExactly("select", "min-max");
  }
}
