package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every datatype survives the trip OIP -> ONNX Runtime -> OIP, on small generated models. */
class OnnxModelDatatypesTest {
  private static final long[] SHAPE = {2, 2};

  @TempDir Path dir;

  static Stream<Arguments> tensors() {
    return Stream.of(
        Arguments.of(TinyOnnx.FLOAT, Tensor.ofFloats("x", SHAPE, 1.5f, -2f, 0f, 3.25f)),
        Arguments.of(TinyOnnx.DOUBLE, Tensor.ofDoubles("x", SHAPE, 1.5, -2e300, 0, 3.25)),
        Arguments.of(TinyOnnx.INT64, Tensor.ofLongs("x", SHAPE, Long.MIN_VALUE, -1, 0, 1L << 40)),
        Arguments.of(TinyOnnx.INT32, Tensor.ofInts("x", SHAPE, Integer.MIN_VALUE, -1, 0, 7)),
        Arguments.of(
            TinyOnnx.INT16,
            new Tensor(
                "x", DataType.INT16, SHAPE, new TensorData.Shorts(new short[] {-32768, -1, 0, 9}))),
        Arguments.of(
            TinyOnnx.INT8,
            new Tensor(
                "x", DataType.INT8, SHAPE, new TensorData.Bytes(new byte[] {-128, -1, 0, 9}))),
        Arguments.of(
            TinyOnnx.UINT8,
            new Tensor(
                "x",
                DataType.UINT8,
                SHAPE,
                new TensorData.Bytes(new byte[] {(byte) 255, (byte) 128, 0, 9}))),
        Arguments.of(TinyOnnx.BOOL, Tensor.ofBools("x", SHAPE, true, false, false, true)),
        Arguments.of(
            TinyOnnx.FLOAT16,
            // 1.0, -2.0, 0.5, 65504 (largest finite half) as raw bits
            new Tensor(
                "x",
                DataType.FP16,
                SHAPE,
                new TensorData.Shorts(new short[] {0x3C00, (short) 0xC000, 0x3800, 0x7BFF}))),
        Arguments.of(
            TinyOnnx.BFLOAT16,
            // 1.0, -2.0, 0.5, 3.0 as raw bfloat16 bits
            new Tensor(
                "x",
                DataType.BF16,
                SHAPE,
                new TensorData.Shorts(new short[] {0x3F80, (short) 0xC000, 0x3F00, 0x4040}))),
        Arguments.of(TinyOnnx.STRING, Tensor.ofStrings("x", SHAPE, "a", "", "żółw", "ok")));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("tensors")
  void identityModelReturnsTheInputUnchanged(int elemType, Tensor input) throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.identity(dir, elemType), options())) {
      assertThat(model.metadata().inputs())
          .containsExactly(new TensorSpec("x", input.datatype(), List.of(-1L, 2L)));

      InferResponse response = model.infer(InferRequest.of(input), Iris.CONTEXT);

      assertThat(response.outputs()).containsExactly(input.withName("y"));
    }
  }

  @Test
  void unsignedSixteenBitInputCannotBeFedFromJava() {
    assertThatThrownBy(() -> OnnxModel.load(TinyOnnx.identity(dir, TinyOnnx.UINT16), options()))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("input 'x' has ONNX type ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16")
        .hasMessageContaining("expected: one that ONNX Runtime's Java API can feed");
  }

  @Test
  void nonFiniteHalfFloatIsRejected() throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.identity(dir, TinyOnnx.FLOAT16), options())) {
      Tensor infinity =
          new Tensor(
              "x", DataType.FP16, SHAPE, new TensorData.Shorts(new short[] {0, 0, 0x7C00, 0}));

      assertThatThrownBy(() -> model.infer(InferRequest.of(infinity), Iris.CONTEXT))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("inputs[x].data[2]: NaN or Infinity");
    }
  }

  @Test
  void invalidUtf8StringIsRejected() throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.identity(dir, TinyOnnx.STRING), options())) {
      byte[][] values = {{'a'}, {(byte) 0xC3}, {'b'}, {'c'}};
      Tensor bytes = new Tensor("x", DataType.BYTES, SHAPE, new TensorData.ByteStrings(values));

      assertThatThrownBy(() -> model.infer(InferRequest.of(bytes), Iris.CONTEXT))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("inputs[x].data[1]: is not valid UTF-8");
    }
  }

  @Test
  void stringKeyedZipMapBecomesColumnsInLabelOrder() throws IOException {
    List<String> labels = List.of("setosa", "versicolor", "virginica");
    try (OnnxModel model = OnnxModel.load(TinyOnnx.stringZipMap(dir, labels), options())) {
      assertThat(model.metadata().outputs())
          .containsExactly(
              new TensorSpec("probabilities", DataType.FP32, List.of(-1L, 3L), labels, Map.of()));
      Tensor scores = Tensor.ofFloats("x", new long[] {2, 3}, 0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f);

      Tensor out = model.infer(InferRequest.of(scores), Iris.CONTEXT).outputs().get(0);

      assertThat(out.shape()).containsExactly(2, 3);
      assertThat(out.floats()).containsExactly(0.1f, 0.2f, 0.7f, 0.5f, 0.3f, 0.2f);
      assertThat(out.parameters()).containsEntry("classes", "setosa,versicolor,virginica");
      assertThat(((OrtOnnxModel) model).signature().outputs().get("probabilities"))
          .as("the ZipMap input is fetched instead of the maps")
          .isInstanceOf(OnnxSignature.ClassScoresOutput.class);
    }
  }

  @Test
  void zipMapOfAModelWithExternalWeightsIsServedThroughTheMaps() throws IOException {
    List<String> labels = List.of("cat", "dog");
    Path file = TinyOnnx.stringZipMapWithExternalWeights(dir, labels, 0.5f);
    try (OnnxModel model = OnnxModel.load(file, options())) {
      assertThat(model.metadata().outputs())
          .containsExactly(
              new TensorSpec("probabilities", DataType.FP32, List.of(-1L, 2L), labels, Map.of()));
      Tensor scores = Tensor.ofFloats("x", new long[] {2, 2}, 0.25f, 0f, 1f, 2f);

      Tensor out = model.infer(InferRequest.of(scores), Iris.CONTEXT).outputs().get(0);

      assertThat(out.shape()).containsExactly(2, 2);
      assertThat(out.floats()).containsExactly(0.75f, 0.5f, 1.5f, 2.5f);
      assertThat(out.parameters()).containsEntry("classes", "cat,dog");
      assertThat(((OrtOnnxModel) model).signature().outputs().get("probabilities"))
          .as("weights outside the file: no rewrite, the maps are read")
          .isInstanceOf(OnnxSignature.ClassMapOutput.class);
    }
  }

  @Test
  void runtimeFailureOnValidInputIsAnExecutionError() throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.reshapeToThree(dir), options())) {
      Tensor input = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);

      assertThatThrownBy(() -> model.infer(InferRequest.of(input), Iris.CONTEXT))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageStartingWith("model 'tiny' failed: ")
          .hasMessageContaining("Reshape");
      assertThat(model.isReady()).as("one failed call leaves the model serving").isTrue();
    }
  }

  @Test
  void customMetadataAndProducerGoToProperties() throws IOException {
    try (OnnxModel model =
        OnnxModel.load(TinyOnnx.stringZipMap(dir, List.of("a", "b")), options())) {
      assertThat(model.metadata().properties())
          .containsEntry("onnx.metadata.trainer", "tiny-test")
          .containsEntry("onnx.producer_name", "tiny-onnx")
          .containsEntry("onnx.producer_version", "1.2.3")
          .containsEntry("onnx.ir_version", "8")
          .containsEntry("onnx.opset.ai.onnx", "13")
          .containsEntry("onnx.graph_name", "zipmap");
    }
  }

  @Test
  void inputWithoutADeclaredShapeAcceptsAnyRank() throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.shapelessIdentity(dir), options())) {
      assertThat(model.metadata().inputs().get(0).parameters())
          .containsEntry("shape_unknown", true);
      Tensor cube = Tensor.ofFloats("x", new long[] {2, 1, 2}, 1, 2, 3, 4);

      Tensor out = model.infer(InferRequest.of(cube), Iris.CONTEXT).outputs().get(0);

      assertThat(out).isEqualTo(cube.withName("y"));
    }
  }

  @Test
  void outputWithoutAnOipFormIsLeftOutAndNeverComputed() throws IOException {
    try (OnnxModel model = OnnxModel.load(TinyOnnx.withSequenceOutput(dir), options())) {
      assertThat(model.metadata().outputs()).extracting(TensorSpec::name).containsExactly("y");
      assertThat(model.metadata().properties().get("onnx.unsupported_outputs")).startsWith("s: ");
      Tensor input = Tensor.ofFloats("x", SHAPE, 1, 2, 3, 4);

      assertThat(model.infer(InferRequest.of(input), Iris.CONTEXT).outputs())
          .containsExactly(input.withName("y"));
      assertThatThrownBy(() -> model.infer(Iris.request(input, "s"), Iris.CONTEXT).outputs().size())
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("'s' has a type that cannot be returned");
    }
  }

  private static OnnxModelOptions options() {
    return OnnxModelOptions.defaults("tiny", "1");
  }
}
