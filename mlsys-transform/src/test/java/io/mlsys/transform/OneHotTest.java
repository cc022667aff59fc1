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

class OneHotTest {

  @Test
  void stringsBecomeOneColumnPerClass() {
    Tensor colour = Tensor.ofStrings("colour", shape(3), "green", "red", "blue");

    Tensor out =
        run(
            "colour",
            List.of(colour),
            new TransformConfig.OneHot("colour", List.of("red", "green", "blue"), null));

    assertThat(out.datatype()).isEqualTo(DataType.FP32);
    assertThat(out.shape()).containsExactly(3, 3);
    assertThat(out.floats()).containsExactly(0, 1, 0, 1, 0, 0, 0, 0, 1);
  }

  @Test
  void integersMatchTheirDecimalText() {
    Tensor digit = Tensor.ofInts("d", shape(2, 1), 2, 0);

    Tensor out =
        run("h", List.of(digit), new TransformConfig.OneHot("d", List.of("0", "1", "2"), "h"));

    assertThat(out.shape()).containsExactly(2, 3);
    assertThat(out.floats()).containsExactly(0, 0, 1, 1, 0, 0);
  }

  @Test
  void anUnknownValueIsInvalidInputNamingIt() {
    Tensor colour = Tensor.ofStrings("colour", shape(2), "red", "pink");
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.OneHot("colour", List.of("red", "blue"), null));

    assertThatThrownBy(() -> pipeline.apply(List.of(colour)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.colour: row 1: 'pink' (expected: one of red, blue) at step [0].one-hot");
  }

  @Test
  void floatsAreNotClasses() {
    Tensor x = Tensor.ofFloats("x", shape(1), 1f);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.OneHot("x", List.of("1"), null));

    assertThatThrownBy(() -> pipeline.apply(List.of(x)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.x: datatype FP32 (expected: an integer datatype or BYTES)");
  }

  @Test
  void aWideTensorIsInvalidInput() {
    Tensor x = Tensor.ofInts("x", shape(1, 2), 1, 0);
    TransformPipeline pipeline =
        Steps.pipeline(new TransformConfig.OneHot("x", List.of("0", "1"), null));

    assertThatThrownBy(() -> pipeline.apply(List.of(x)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.x: shape [1, 2] (expected: [N] or [N, 1])");
  }
}
