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

class ScaleMinMaxTest {

  @Test
  void scaleSubtractsTheMeanAndDividesByTheStdOfEachColumn() {
    Tensor x = Tensor.ofFloats("x", shape(2, 2), 1, 10, 3, 20);

    Tensor out =
        run(
            "x",
            List.of(x),
            new TransformConfig.Scale("x", List.of(2.0, 10.0), List.of(1.0, 5.0), null));

    assertThat(out.datatype()).isEqualTo(DataType.FP32);
    assertThat(out.floats()).containsExactly(-1f, 0f, 1f, 2f);
  }

  @Test
  void oneMeanAndStdApplyToEveryColumn() {
    Tensor x = Tensor.ofFloats("x", shape(1, 3), 1, 2, 3);

    Tensor out =
        run("x", List.of(x), new TransformConfig.Scale("x", List.of(2.0), List.of(0.5), null));

    assertThat(out.floats()).containsExactly(-2f, 0f, 2f);
  }

  @Test
  void fp64StaysFp64() {
    Tensor x = Tensor.ofDoubles("x", shape(1, 1), 0.1);

    Tensor out =
        run("x", List.of(x), new TransformConfig.Scale("x", List.of(0.0), List.of(3.0), null));

    assertThat(out.datatype()).isEqualTo(DataType.FP64);
    assertThat(out.doubles()).containsExactly(0.1 / 3.0);
  }

  @Test
  void integersAreScaledToFp32() {
    Tensor x = Tensor.ofLongs("x", shape(1, 2), 5, 7);

    Tensor out =
        run("x", List.of(x), new TransformConfig.Scale("x", List.of(1.0), List.of(4.0), null));

    assertThat(out.datatype()).isEqualTo(DataType.FP32);
    assertThat(out.floats()).containsExactly(1f, 1.5f);
  }

  @Test
  void aLastDimensionThatDoesNotMatchTheMeansIsInvalidInput() {
    Tensor x = Tensor.ofFloats("x", shape(1, 3), 1, 2, 3);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Scale("x", List.of(1.0, 2.0), List.of(1.0, 1.0), null));

    assertThatThrownBy(() -> pipeline.apply(List.of(x)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.x: last dimension is 3 in shape [1, 3] (expected: 2, one per mean/std value)"
                + " at step [0].scale");
  }

  @Test
  void scalingBytesIsInvalidInput() {
    Tensor x = Tensor.ofStrings("x", shape(1), "a");
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Scale("x", List.of(1.0), List.of(1.0), null));

    assertThatThrownBy(() -> pipeline.apply(List.of(x)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.x: datatype BYTES (expected: a numeric datatype");
  }

  @Test
  void minMaxMapsEachColumnToTheRangeWithoutClipping() {
    Tensor x = Tensor.ofFloats("x", shape(2, 2), 0, 15, 20, 30);

    Tensor out =
        run(
            "x",
            List.of(x),
            new TransformConfig.MinMax("x", List.of(0.0, 10.0), List.of(10.0, 20.0), null, null));

    assertThat(out.floats()).containsExactly(0f, 0.5f, 2f, 2f);
  }

  @Test
  void minMaxMapsToAnotherRange() {
    Tensor x = Tensor.ofFloats("x", shape(1, 3), 0, 5, 10);

    Tensor out =
        run(
            "y",
            List.of(x),
            new TransformConfig.MinMax("x", List.of(0.0), List.of(10.0), List.of(-1.0, 1.0), "y"));

    assertThat(out.floats()).containsExactly(-1f, 0f, 1f);
  }

  @Test
  void minMaxKeepsFp64Precision() {
    Tensor x = Tensor.ofDoubles("x", shape(1, 1), 1.0);

    Tensor out =
        run(
            "x",
            List.of(x),
            new TransformConfig.MinMax("x", List.of(0.0), List.of(3.0), null, null));

    assertThat(out.doubles()[0]).isCloseTo(1.0 / 3.0, within(1e-15));
  }
}
