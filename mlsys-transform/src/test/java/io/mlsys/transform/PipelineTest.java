package io.mlsys.transform;

import static io.mlsys.transform.Steps.pipeline;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private static final Tensor A = Tensor.ofFloats("a", shape(1, 2), 1f, 2f);
  private static final Tensor B = Tensor.ofFloats("b", shape(1, 1), 3f);
  private static final Tensor C = Tensor.ofFloats("c", shape(1, 1), 4f);

  @Test
  void anEmptyPipelineReturnsItsInput() {
    assertThat(pipeline().apply(List.of(A, B))).containsExactly(A, B);
  }

  @Test
  void anOutputWithTheInputsNameReplacesItInPlace() {
    List<Tensor> out =
        pipeline(new TransformConfig.Scale("b", List.of(1.0), List.of(2.0), null))
            .apply(List.of(A, B, C));

    assertThat(out).extracting(Tensor::name).containsExactly("a", "b", "c");
    assertThat(out.get(1).floats()).containsExactly(1f);
    assertThat(out.get(0)).isSameAs(A);
    assertThat(out.get(2)).isSameAs(C);
  }

  @Test
  void aNewOutputIsAppendedAndItsInputKept() {
    List<Tensor> out =
        pipeline(new TransformConfig.Scale("a", List.of(1.0), List.of(2.0), "scaled"))
            .apply(List.of(A, B));

    assertThat(out).extracting(Tensor::name).containsExactly("a", "b", "scaled");
    assertThat(out.get(2).floats()).containsExactly(0f, 0.5f);
  }

  @Test
  void stepsRunInOrderEachOnThePreviousResult() {
    List<Tensor> out =
        pipeline(
                new TransformConfig.Scale("a", List.of(0.0), List.of(2.0), null),
                new TransformConfig.Threshold("a", 0.75, null, "big"),
                new TransformConfig.Select(List.of("big")))
            .apply(List.of(A, B));

    assertThat(out).hasSize(1);
    assertThat(out.getFirst().bools()).containsExactly(false, true);
  }

  @Test
  void aMissingTensorNamesTheTensorTheStepAndWhatIsPresent() {
    TransformPipeline pipeline =
        pipeline(
            new TransformConfig.Rename(java.util.Map.of("a", "x")),
            new TransformConfig.Softmax("a", -1, null));

    assertThatThrownBy(() -> pipeline.apply(List.of(A, B)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.a: missing (expected: one of the tensors present: x, b) at step [1].softmax");
  }

  @Test
  void theInputListIsNotModified() {
    List<Tensor> input = List.of(A, B);
    float[] before = A.floats().clone();

    pipeline(new TransformConfig.Scale("a", List.of(1.0), List.of(1.0), null)).apply(input);

    assertThat(A.floats()).containsExactly(before);
  }

  @Test
  void describesItsSteps() {
    assertThat(
            pipeline(
                    new TransformConfig.Select(List.of("a")),
                    new TransformConfig.Softmax("a", -1, null))
                .toString())
        .isEqualTo("TransformPipeline[[0].select, [1].softmax]");
  }
}
