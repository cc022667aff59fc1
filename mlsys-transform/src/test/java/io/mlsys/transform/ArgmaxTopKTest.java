package io.mlsys.transform;

import static io.mlsys.transform.Steps.run;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArgmaxTopKTest {
  private static final Tensor PROBABILITIES =
      Tensor.ofFloats("p", shape(3, 3), 0.1f, 0.7f, 0.2f, 0.5f, 0.2f, 0.5f, 0f, 0.1f, 0.9f);

  @TempDir Path dir;

  private Path labels(String json) throws IOException {
    return Files.writeString(dir.resolve("labels.json"), json);
  }

  @Test
  void argmaxGivesTheColumnOfEachRowsHighestValueFirstOnTies() {
    Tensor out = run("p", List.of(PROBABILITIES), new TransformConfig.Argmax("p", null, null));

    assertThat(out.datatype()).isEqualTo(DataType.INT64);
    assertThat(out.shape()).containsExactly(3);
    assertThat(out.longs()).containsExactly(1, 0, 2);
  }

  @Test
  void argmaxWithLabelsGivesTheLabel() throws IOException {
    Path file = labels("{\"0\": \"setosa\", \"1\": \"versicolor\", \"2\": \"virginica\"}");

    Tensor out =
        run("species", List.of(PROBABILITIES), new TransformConfig.Argmax("p", "species", file));

    assertThat(out.datatype()).isEqualTo(DataType.BYTES);
    assertThat(out.strings()).containsExactly("versicolor", "setosa", "virginica");
  }

  @Test
  void argmaxOfAColumnWithoutALabelIsInvalidInput() throws IOException {
    Path file = labels("[\"a\", \"b\"]");
    TransformPipeline pipeline = Steps.pipeline(new TransformConfig.Argmax("p", null, file));

    assertThatThrownBy(() -> pipeline.apply(List.of(PROBABILITIES)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.p: row 2: column 2 has no label (expected: at most 2 columns, one per label)"
                + " at step [0].argmax");
  }

  @Test
  void argmaxNeedsColumns() {
    Tensor flat = Tensor.ofFloats("p", shape(2), 1, 2);
    TransformPipeline pipeline = Steps.pipeline(new TransformConfig.Argmax("p", null, null));

    assertThatThrownBy(() -> pipeline.apply(List.of(flat)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.p: shape [2] (expected: [N, C]");
  }

  @Test
  void thresholdMarksValuesAtOrAboveTheValue() {
    Tensor out =
        run("p", List.of(PROBABILITIES), new TransformConfig.Threshold("p", 0.5, null, null));

    assertThat(out.datatype()).isEqualTo(DataType.BOOL);
    assertThat(out.shape()).containsExactly(3, 3);
    assertThat(out.bools())
        .containsExactly(false, true, false, true, false, true, false, false, true);
  }

  @Test
  void thresholdOfOneColumnGivesOneValuePerRow() {
    Tensor out =
        run("hit", List.of(PROBABILITIES), new TransformConfig.Threshold("p", 0.5, 2, "hit"));

    assertThat(out.shape()).containsExactly(3);
    assertThat(out.bools()).containsExactly(false, true, true);
  }

  @Test
  void thresholdOfAMissingColumnIsInvalidInput() {
    TransformPipeline pipeline = Steps.pipeline(new TransformConfig.Threshold("p", 0.5, 3, null));

    assertThatThrownBy(() -> pipeline.apply(List.of(PROBABILITIES)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.p: shape [3, 3] (expected: [N, C] with more than 3");
  }

  @Test
  void topKGivesValuesIndicesAndLabelsHighestFirst() throws IOException {
    Path file = labels("[\"a\", \"b\", \"c\"]");

    List<Tensor> out =
        Steps.pipeline(new TransformConfig.TopK("p", 2, "top", file)).apply(List.of(PROBABILITIES));

    assertThat(out)
        .extracting(Tensor::name)
        .containsExactly("p", "top_values", "top_indices", "top_labels");
    assertThat(out.get(1).datatype()).isEqualTo(DataType.FP32);
    assertThat(out.get(1).shape()).containsExactly(3, 2);
    assertThat(out.get(1).floats()).containsExactly(0.7f, 0.2f, 0.5f, 0.5f, 0.9f, 0.1f);
    assertThat(out.get(2).longs()).containsExactly(1, 2, 0, 2, 2, 1);
    assertThat(out.get(3).strings()).containsExactly("b", "c", "a", "c", "c", "b");
  }

  @Test
  void topKOfMoreThanTheColumnsIsInvalidInput() {
    TransformPipeline pipeline = Steps.pipeline(new TransformConfig.TopK("p", 4, "top", null));

    assertThatThrownBy(() -> pipeline.apply(List.of(PROBABILITIES)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.p: last dimension is 3 in shape [3, 3] (expected: at least k = 4 columns) at"
                + " step [0].top-k");
  }

  @Test
  void topKOfFp64KeepsFp64Values() {
    Tensor scores = Tensor.ofDoubles("s", shape(1, 3), 0.25, 0.125, 0.5);

    Tensor values = run("t_values", List.of(scores), new TransformConfig.TopK("s", 3, "t", null));

    assertThat(values.datatype()).isEqualTo(DataType.FP64);
    assertThat(values.doubles()).containsExactly(0.5, 0.25, 0.125);
  }
}
