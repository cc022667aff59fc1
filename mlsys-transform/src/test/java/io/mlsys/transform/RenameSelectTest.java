package io.mlsys.transform;

import static io.mlsys.transform.Steps.pipeline;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RenameSelectTest {
  private static final Tensor A = Tensor.ofLongs("a", shape(1), 1);
  private static final Tensor B = Tensor.ofLongs("b", shape(1), 2);
  private static final Tensor C = Tensor.ofLongs("c", shape(1), 3);

  @Test
  void renameKeepsThePlaceAndTheData() {
    List<Tensor> out =
        pipeline(new TransformConfig.Rename(Map.of("b", "beta"))).apply(List.of(A, B, C));

    assertThat(out).extracting(Tensor::name).containsExactly("a", "beta", "c");
    assertThat(out.get(1).longs()).containsExactly(2);
  }

  @Test
  void renameChangesAllNamesAtOnceSoItCanSwap() {
    List<Tensor> out =
        pipeline(new TransformConfig.Rename(Map.of("a", "b", "b", "a"))).apply(List.of(A, B));

    assertThat(out).extracting(Tensor::name).containsExactly("b", "a");
    assertThat(out.get(0).longs()).containsExactly(1);
  }

  @Test
  void aRenamedTensorReplacesOneThatHadItsNewName() {
    List<Tensor> out =
        pipeline(new TransformConfig.Rename(Map.of("c", "a"))).apply(List.of(A, B, C));

    assertThat(out).extracting(Tensor::name).containsExactly("b", "a");
    assertThat(out.get(1).longs()).containsExactly(3);
  }

  @Test
  void renamingAMissingTensorIsInvalidInput() {
    TransformPipeline pipeline = pipeline(new TransformConfig.Rename(Map.of("z", "y")));

    assertThatThrownBy(() -> pipeline.apply(List.of(A)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.z: missing")
        .hasMessageEndingWith("at step [0].rename");
  }

  @Test
  void selectKeepsOnlyTheNamedTensorsInItsOrder() {
    List<Tensor> out =
        pipeline(new TransformConfig.Select(List.of("c", "a"))).apply(List.of(A, B, C));

    assertThat(out).containsExactly(C, A);
  }

  @Test
  void selectingAMissingTensorIsInvalidInput() {
    TransformPipeline pipeline = pipeline(new TransformConfig.Select(List.of("a", "q")));

    assertThatThrownBy(() -> pipeline.apply(List.of(A, B)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.q: missing (expected: one of the tensors present: a, b) at step [0].select");
  }
}
