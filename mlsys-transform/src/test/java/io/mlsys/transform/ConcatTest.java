package io.mlsys.transform;

import static io.mlsys.transform.Steps.run;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConcatTest {

  @Test
  void joinsColumnsRowByRow() {
    Tensor a = Tensor.ofFloats("a", shape(2, 2), 1, 2, 3, 4);
    Tensor b = Tensor.ofFloats("b", shape(2, 1), 5, 6);

    Tensor x = run("x", List.of(a, b), new TransformConfig.Concat(List.of("a", "b"), 1, "x"));

    assertThat(x.shape()).containsExactly(2, 3);
    assertThat(x.floats()).containsExactly(1, 2, 5, 3, 4, 6);
  }

  @Test
  void joinsAnInnerAxis() {
    Tensor a = Tensor.ofInts("a", shape(1, 2, 1), 1, 2);
    Tensor b = Tensor.ofInts("b", shape(1, 2, 2), 3, 4, 5, 6);

    Tensor x = run("x", List.of(a, b), new TransformConfig.Concat(List.of("a", "b"), 2, "x"));

    assertThat(x.shape()).containsExactly(1, 2, 3);
    assertThat(x.ints()).containsExactly(1, 3, 4, 2, 5, 6);
  }

  @Test
  void joinsBytes() {
    Tensor a = Tensor.ofStrings("a", shape(2, 1), "p", "q");
    Tensor b = Tensor.ofStrings("b", shape(2, 1), "r", "s");

    Tensor x = run("x", List.of(a, b), new TransformConfig.Concat(List.of("a", "b"), 1, "x"));

    assertThat(x.datatype()).isEqualTo(DataType.BYTES);
    assertThat(x.strings()).containsExactly("p", "r", "q", "s");
  }

  @Test
  void differentDatatypesAreInvalidInput() {
    Tensor a = Tensor.ofFloats("a", shape(1, 1), 1);
    Tensor b = Tensor.ofDoubles("b", shape(1, 1), 2);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Concat(List.of("a", "b"), 1, "x"));

    assertThatThrownBy(() -> pipeline.apply(List.of(a, b)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.b: datatype FP64 (expected: FP32, the datatype of a) at step [0].concat");
  }

  @Test
  void shapesDifferingOffTheAxisAreInvalidInput() {
    Tensor a = Tensor.ofFloats("a", shape(2, 1), 1, 2);
    Tensor b = Tensor.ofFloats("b", shape(1, 1), 3);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Concat(List.of("a", "b"), 1, "x"));

    assertThatThrownBy(() -> pipeline.apply(List.of(a, b)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.b: shape [1, 1] (expected: the shape of a [2, 1] but on axis 1) at step"
                + " [0].concat");
  }

  @Test
  void aTensorWithoutTheAxisIsInvalidInput() {
    Tensor a = Tensor.ofFloats("a", shape(2), 1, 2);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.Concat(List.of("a", "a"), 1, "x"));

    assertThatThrownBy(() -> pipeline.apply(List.of(a)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.a: shape [2] has no axis 1 (expected: rank 2 or more) at step [0].concat");
  }
}
