package io.mlsys.transform;

import static io.mlsys.transform.Steps.run;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

  @Test
  void eachRowSumsToOne() {
    Tensor logits = Tensor.ofFloats("l", shape(2, 3), 1, 2, 3, 0, 0, 0);

    Tensor out = run("l", List.of(logits), new TransformConfig.Softmax("l", -1, null));

    // exp(-2), exp(-1), exp(0) over their sum 1.5032147.
    assertThat(out.floats())
        .containsExactly(
            new float[] {0.09003057f, 0.24472847f, 0.66524096f, 1 / 3f, 1 / 3f, 1 / 3f},
            within(1e-7f));
  }

  @Test
  void largeLogitsDoNotOverflow() {
    Tensor logits = Tensor.ofFloats("l", shape(1, 2), 1000, 1001);

    Tensor out = run("l", List.of(logits), new TransformConfig.Softmax("l", -1, null));

    assertThat(out.floats()).containsExactly(new float[] {0.26894142f, 0.7310586f}, within(1e-7f));
  }

  @Test
  void runsAlongAMiddleAxis() {
    // [1, 2, 2]: softmax over axis 1 pairs (0, ln 3) and (0, 0).
    Tensor logits = Tensor.ofDoubles("l", shape(1, 2, 2), 0, 0, Math.log(3), 0);

    Tensor out = run("l", List.of(logits), new TransformConfig.Softmax("l", 1, null));

    assertThat(out.datatype()).isEqualTo(DataType.FP64);
    assertThat(out.doubles()).containsExactly(new double[] {0.25, 0.5, 0.75, 0.5}, within(1e-12));
  }

  @Test
  void aTensorWhoseOnlyAxisIsTheBatchIsInvalidInput() {
    Tensor logits = Tensor.ofFloats("l", shape(3), 1, 2, 3);
    TransformPipeline pipeline = Steps.pipeline(new TransformConfig.Softmax("l", -1, null));

    assertThatThrownBy(() -> pipeline.apply(List.of(logits)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.l: shape [3] has no axis -1 (expected: a tensor of rank >= 2 with an axis"
                + " other than the batch axis 0) at step [0].softmax");
  }
}
