package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The scikit-learn iris models give the values in the fixtures README, row by row and batched. */
class OnnxModelIrisTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void svcAnswersEachRowAlone(int row) {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      InferResponse response = model.infer(Iris.request(Iris.row(row)), Iris.CONTEXT);

      assertThat(response.output(Iris.LABEL).orElseThrow().longs())
          .containsExactly(Iris.SVC_LABELS[row]);
      Tensor probabilities = response.output(Iris.PROBABILITY).orElseThrow();
      assertThat(probabilities.shape()).containsExactly(1, 3);
      assertClose(probabilities.floats(), Iris.SVC_PROBABILITIES[row]);
    }
  }

  @Test
  void svcAnswersFourRowsAsOneBatch() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      InferResponse response = model.infer(Iris.request(Iris.allRows()), Iris.CONTEXT);

      Tensor labels = response.output(Iris.LABEL).orElseThrow();
      assertThat(labels.shape()).containsExactly(4);
      assertThat(labels.longs()).containsExactly(Iris.SVC_LABELS);
      Tensor probabilities = response.output(Iris.PROBABILITY).orElseThrow();
      assertThat(probabilities.shape()).containsExactly(4, 3);
      for (int row = 0; row < 4; row++) {
        assertClose(rowOf(probabilities.floats(), row, 3), Iris.SVC_PROBABILITIES[row]);
      }
    }
  }

  static Stream<Arguments> oneVsRestCases() {
    return Iris.ONE_VS_REST_P0.keySet().stream()
        .sorted()
        .flatMap(file -> Stream.of(Arguments.of(file, false), Arguments.of(file, true)));
  }

  @ParameterizedTest(name = "{0} batched={1}")
  @MethodSource("oneVsRestCases")
  void oneVsRestModelsGiveTheirProbabilityOfClassZero(String file, boolean batched) {
    float[] expected = Iris.ONE_VS_REST_P0.get(file);
    try (OnnxModel model = Iris.load(file)) {
      float[] p0 = new float[4];
      long[] labels = new long[4];
      if (batched) {
        InferResponse response = model.infer(Iris.request(Iris.allRows()), Iris.CONTEXT);
        float[] probabilities = response.output(Iris.PROBABILITY).orElseThrow().floats();
        for (int row = 0; row < 4; row++) {
          p0[row] = probabilities[row * 2];
        }
        labels = response.output(Iris.LABEL).orElseThrow().longs();
      } else {
        for (int row = 0; row < 4; row++) {
          InferResponse response = model.infer(Iris.request(Iris.row(row)), Iris.CONTEXT);
          p0[row] = response.output(Iris.PROBABILITY).orElseThrow().floats()[0];
          labels[row] = response.output(Iris.LABEL).orElseThrow().longs()[0];
        }
      }

      assertClose(p0, expected);
      // No row is near 0.5, so the label is the more probable class.
      long[] expectedLabels =
          IntStream.range(0, 4).mapToLong(row -> expected[row] > 0.5f ? 0 : 1).toArray();
      assertThat(labels).containsExactly(expectedLabels);
    }
  }

  @ParameterizedTest(name = "batched={0}")
  @ValueSource(booleans = {false, true})
  void oneClassSvmScoresAndLabelsEveryRow(boolean batched) {
    try (OnnxModel model = Iris.load("iris_ocs.onnx")) {
      float[] scores = new float[4];
      long[] labels = new long[4];
      if (batched) {
        InferResponse response = model.infer(Iris.request(Iris.allRows()), Iris.CONTEXT);
        assertThat(response.output("scores").orElseThrow().shape()).containsExactly(4, 1);
        scores = response.output("scores").orElseThrow().floats();
        labels = response.output("label").orElseThrow().longs();
      } else {
        for (int row = 0; row < 4; row++) {
          InferResponse response = model.infer(Iris.request(Iris.row(row)), Iris.CONTEXT);
          scores[row] = response.output("scores").orElseThrow().floats()[0];
          labels[row] = response.output("label").orElseThrow().longs()[0];
        }
      }

      assertClose(scores, Iris.OCS_SCORES);
      assertThat(labels).containsExactly(Iris.OCS_LABELS);
    }
  }

  @Test
  void svcSignatureMapsTypesAndExposesZipMapClasses() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      ModelMetadata metadata = model.metadata();

      assertThat(metadata.platform()).isEqualTo("onnxruntime_onnx");
      assertThat(metadata.inputs())
          .containsExactly(new TensorSpec(Iris.INPUT, DataType.FP32, List.of(-1L, 4L)));
      assertThat(metadata.outputs())
          .containsExactly(
              new TensorSpec(Iris.LABEL, DataType.INT64, List.of(-1L)),
              new TensorSpec(
                  Iris.PROBABILITY,
                  DataType.FP32,
                  List.of(-1L, 3L),
                  List.of("0", "1", "2"),
                  Map.of()));
    }
  }

  @Test
  void probabilitiesAreFetchedFromTheZipMapScoresNotFromTheMaps() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      OnnxSignature.OutputSlot slot =
          ((OrtOnnxModel) model).signature().outputs().get(Iris.PROBABILITY);

      assertThat(slot).isInstanceOf(OnnxSignature.ClassScoresOutput.class);
      assertThat(slot.fetch()).isNotEqualTo(Iris.PROBABILITY);
      assertThat(model.metadata().properties()).doesNotContainKey("mlsys.zipmap_scores_failure");
    }
  }

  @Test
  void metadataCarriesNameVersionAndLabelsFromOptions() {
    Map<String, String> labels = Map.of("0", "setosa", "1", "versicolor", "2", "virginica");
    OnnxModelOptions options = OnnxModelOptions.defaults("iris-svc", "7").withLabels(labels);
    try (OnnxModel model = Iris.load("iris_svc.onnx", options)) {
      assertThat(model.metadata().name()).isEqualTo("iris-svc");
      assertThat(model.metadata().version()).isEqualTo("7");
      assertThat(model.metadata().labels()).isEqualTo(labels);
    }
  }

  @Test
  void propertiesCarryWhatTheModelFileSaysAboutItself() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      assertThat(model.metadata().properties())
          .containsEntry("onnx.producer_name", "skl2onnx")
          .containsEntry("onnx.producer_version", "1.7.0")
          .containsEntry("onnx.ir_version", "4")
          .containsEntry("onnx.opset.ai.onnx.ml", "1")
          .containsEntry("onnx.opset.ai.onnx", "9")
          .containsEntry("onnxruntime.version", "1.28.0")
          .containsKey("onnx.graph_name");
    }
  }

  @Test
  void responseNamesTheModelAndEchoesTheRequestId() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      InferResponse response = model.infer(Iris.request(Iris.row(0)), Iris.CONTEXT);

      assertThat(response.modelName()).isEqualTo("iris");
      assertThat(response.modelVersion()).isEqualTo("1");
      assertThat(response.id()).isEqualTo("req-1");
    }
  }

  @Test
  void probabilityTensorNamesItsColumnsInTheClassesParameter() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      Tensor probabilities =
          model
              .infer(Iris.request(Iris.row(0), Iris.PROBABILITY), Iris.CONTEXT)
              .output(Iris.PROBABILITY)
              .orElseThrow();

      assertThat(probabilities.parameters()).containsEntry("classes", "0,1,2");
    }
  }

  @Test
  void askingOnlyForTheLabelReturnsOnlyTheLabel() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      InferResponse response = model.infer(Iris.request(Iris.allRows(), Iris.LABEL), Iris.CONTEXT);

      assertThat(response.outputs()).extracting(Tensor::name).containsExactly(Iris.LABEL);
      assertThat(response.outputs().get(0).longs()).containsExactly(Iris.SVC_LABELS);
    }
  }

  @Test
  void outputsComeInTheRequestedOrder() {
    try (OnnxModel model = Iris.load("iris_svc.onnx")) {
      InferResponse response =
          model.infer(Iris.request(Iris.row(0), Iris.PROBABILITY, Iris.LABEL), Iris.CONTEXT);

      assertThat(response.outputs())
          .extracting(Tensor::name)
          .containsExactly(Iris.PROBABILITY, Iris.LABEL);
    }
  }

  @Test
  void defaultOutputsApplyWhenTheRequestNamesNone() {
    OnnxModelOptions options =
        OnnxModelOptions.defaults("iris", "1").withDefaultOutputs(List.of(Iris.LABEL));
    try (OnnxModel model = Iris.load("iris_svc.onnx", options)) {
      InferResponse response = model.infer(Iris.request(Iris.row(2)), Iris.CONTEXT);

      assertThat(response.outputs()).extracting(Tensor::name).containsExactly(Iris.LABEL);
      assertThat(response.outputs().get(0).longs()).containsExactly(2L);
    }
  }

  @Test
  void requestedOutputsOverrideTheDefaults() {
    OnnxModelOptions options =
        OnnxModelOptions.defaults("iris", "1").withDefaultOutputs(List.of(Iris.LABEL));
    try (OnnxModel model = Iris.load("iris_svc.onnx", options)) {
      InferResponse response =
          model.infer(Iris.request(Iris.row(0), Iris.PROBABILITY), Iris.CONTEXT);

      assertThat(response.outputs()).extracting(Tensor::name).containsExactly(Iris.PROBABILITY);
    }
  }

  private static float[] rowOf(float[] values, int row, int columns) {
    float[] out = new float[columns];
    System.arraycopy(values, row * columns, out, 0, columns);
    return out;
  }

  private static void assertClose(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i])
          .as("element %d of %s", i, java.util.Arrays.toString(actual))
          .isCloseTo(expected[i], within(Iris.TOLERANCE));
    }
  }
}
