package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Requests that do not fit the iris SVC signature fail before anything runs. */
class OnnxModelValidationTest {
  private static OnnxModel model;

  @BeforeAll
  static void load() {
    model = Iris.load("iris_svc.onnx");
  }

  @AfterAll
  static void close() {
    if (model != null) {
      model.close();
    }
  }

  private static InvalidInputException rejection(InferRequest request) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> infer(request));
    assertThat(thrown).isInstanceOf(InvalidInputException.class);
    return (InvalidInputException) thrown;
  }

  private static void infer(InferRequest request) {
    model.infer(request, Iris.CONTEXT);
  }

  @Test
  void missingInputIsNamed() {
    InvalidInputException e = rejection(new InferRequest("r", List.of(), List.of(), Map.of()));

    assertThat(e.field()).isEqualTo("inputs");
    assertThat(e.getMessage())
        .isEqualTo("inputs: missing 'float_input' (expected: float_input FP32 [-1, 4])");
  }

  @Test
  void unknownInputIsNamed() {
    Tensor extra = Tensor.ofFloats("petals", new long[] {1, 4}, 1, 2, 3, 4);
    InvalidInputException e = rejection(InferRequest.of(Iris.row(0), extra));

    assertThat(e.field()).isEqualTo("inputs[1].name");
    assertThat(e.getMessage()).contains("'petals' is not an input of model 'iris'");
  }

  @Test
  void repeatedInputIsRejected() {
    InvalidInputException e = rejection(InferRequest.of(Iris.row(0), Iris.row(1)));

    assertThat(e.field()).isEqualTo("inputs[1].name");
    assertThat(e.getMessage()).contains("'float_input' appears more than once");
  }

  @Test
  void wrongDatatypeIsNamedWithTheExpectedOne() {
    Tensor doubles = Tensor.ofDoubles(Iris.INPUT, new long[] {1, 4}, 5.1, 3.5, 1.4, 0.2);
    InvalidInputException e = rejection(InferRequest.of(doubles));

    assertThat(e.getMessage()).isEqualTo("inputs[float_input].datatype: FP64 (expected: FP32)");
  }

  @Test
  void wrongRankIsRejected() {
    Tensor flat = Tensor.ofFloats(Iris.INPUT, new long[] {4}, 5.1f, 3.5f, 1.4f, 0.2f);
    InvalidInputException e = rejection(InferRequest.of(flat));

    assertThat(e.field()).isEqualTo("inputs[float_input].shape");
    assertThat(e.getMessage()).contains("[4] has rank 1 (expected: rank 2, [-1, 4]");
  }

  @Test
  void wrongFixedDimensionIsRejected() {
    Tensor five = Tensor.ofFloats(Iris.INPUT, new long[] {1, 5}, 1, 2, 3, 4, 5);
    InvalidInputException e = rejection(InferRequest.of(five));

    assertThat(e.field()).isEqualTo("inputs[float_input].shape");
    assertThat(e.getMessage()).contains("[1, 5] (expected: [-1, 4]");
  }

  @Test
  void emptyBatchIsRejected() {
    Tensor empty = Tensor.ofFloats(Iris.INPUT, new long[] {0, 4});
    InvalidInputException e = rejection(InferRequest.of(empty));

    assertThat(e.field()).isEqualTo("inputs[float_input].shape");
    assertThat(e.getMessage()).contains("has no elements (expected: at least one row)");
  }

  @Test
  void notANumberIsRejectedByDefault() {
    Tensor nan = Tensor.ofFloats(Iris.INPUT, new long[] {1, 4}, 5.1f, Float.NaN, 1.4f, 0.2f);
    InvalidInputException e = rejection(InferRequest.of(nan));

    assertThat(e.field()).isEqualTo("inputs[float_input].data[1]");
    assertThat(e.getMessage()).contains("NaN (expected: a finite number");
  }

  @Test
  void infinityIsRejectedByDefault() {
    Tensor inf =
        Tensor.ofFloats(Iris.INPUT, new long[] {1, 4}, 5.1f, 3.5f, 1.4f, Float.NEGATIVE_INFINITY);
    InvalidInputException e = rejection(InferRequest.of(inf));

    assertThat(e.field()).isEqualTo("inputs[float_input].data[3]");
  }

  @Test
  void nonFiniteValuesPassWhenTheOptionAllowsThem() {
    OnnxModelOptions options = OnnxModelOptions.defaults("iris", "1").withAllowNonFinite(true);
    try (OnnxModel lenient = Iris.load("iris_svc.onnx", options)) {
      Tensor nan = Tensor.ofFloats(Iris.INPUT, new long[] {1, 4}, 5.1f, Float.NaN, 1.4f, 0.2f);

      assertThat(lenient.infer(Iris.request(nan, Iris.LABEL), Iris.CONTEXT).outputs()).hasSize(1);
    }
  }

  @Test
  void unknownOutputIsNamedWithTheModelsOutputs() {
    InvalidInputException e = rejection(Iris.request(Iris.row(0), "x"));

    assertThat(e.getMessage())
        .isEqualTo(
            "outputs[0].name: 'x' is not an output of model 'iris'"
                + " (expected: one of output_label, output_probability)");
  }

  @Test
  void repeatedOutputIsRejected() {
    InvalidInputException e = rejection(Iris.request(Iris.row(0), Iris.LABEL, Iris.LABEL));

    assertThat(e.field()).isEqualTo("outputs[1].name");
  }

  @Test
  void everyViolationIsReportedTheFirstNamesTheField() {
    Tensor doubles = Tensor.ofDoubles(Iris.INPUT, new long[] {1, 4}, 5.1, 3.5, 1.4, 0.2);
    InvalidInputException e = rejection(Iris.request(doubles, "x"));

    assertThat(e.field()).isEqualTo("inputs[float_input].datatype");
    assertThat(e.getMessage()).contains("FP64 (expected: FP32)").contains("outputs[0].name: 'x'");
  }

  @Test
  void expiredDeadlineStopsTheCallBeforeItRuns() {
    ManualClock clock = ManualClock.startingAt("2025-01-01T00:00:00Z");
    CallContext context = CallContext.of(clock).withTimeout(Duration.ofMillis(5));
    clock.set(Instant.parse("2025-01-01T00:00:01Z"));

    assertThatThrownBy(() -> model.infer(InferRequest.of(Iris.row(0)), context))
        .asInstanceOf(type(DeadlineExceededException.class))
        .extracting(DeadlineExceededException::where)
        .isEqualTo("iris");
  }
}
