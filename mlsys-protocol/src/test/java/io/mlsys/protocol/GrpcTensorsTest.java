package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import inference.GrpcPredictV2.InferParameter;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelInferResponse.InferOutputTensor;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The OIP gRPC messages to and from core tensors: both encodings, every datatype, the errors. */
class GrpcTensorsTest {

  private static InferInputTensor.Builder input(String datatype, long... shape) {
    InferInputTensor.Builder input =
        InferInputTensor.newBuilder().setName("x").setDatatype(datatype);
    for (long dim : shape) {
      input.addShape(dim);
    }
    return input;
  }

  private static ModelInferRequest typed(InferInputTensor.Builder input) {
    return ModelInferRequest.newBuilder().setModelName("m").addInputs(input).build();
  }

  private static ModelInferRequest raw(InferInputTensor.Builder input, byte[] bytes) {
    return ModelInferRequest.newBuilder()
        .setModelName("m")
        .addInputs(input)
        .addRawInputContents(ByteString.copyFrom(bytes))
        .build();
  }

  private static ByteBuffer littleEndian(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Tensor only(InferRequest request) {
    assertThat(request.inputs()).hasSize(1);
    return request.inputs().getFirst();
  }

  /** One tensor of each datatype that has a typed field, and the contents that carry it. */
  static Stream<Arguments> typedTensors() {
    return Stream.of(
        Arguments.of(
            Tensor.ofBools("x", new long[] {2}, true, false),
            InferTensorContents.newBuilder().addBoolContents(true).addBoolContents(false)),
        Arguments.of(
            new Tensor(
                "x", DataType.INT8, new long[] {2}, new TensorData.Bytes(new byte[] {-128, 127})),
            InferTensorContents.newBuilder().addIntContents(-128).addIntContents(127)),
        Arguments.of(
            new Tensor(
                "x",
                DataType.INT16,
                new long[] {2},
                new TensorData.Shorts(new short[] {-32768, 7})),
            InferTensorContents.newBuilder().addIntContents(-32768).addIntContents(7)),
        Arguments.of(
            Tensor.ofInts("x", new long[] {2}, Integer.MIN_VALUE, 3),
            InferTensorContents.newBuilder().addIntContents(Integer.MIN_VALUE).addIntContents(3)),
        Arguments.of(
            Tensor.ofLongs("x", new long[] {2}, Long.MIN_VALUE, 4),
            InferTensorContents.newBuilder().addInt64Contents(Long.MIN_VALUE).addInt64Contents(4)),
        Arguments.of(
            new Tensor(
                "x", DataType.UINT8, new long[] {2}, new TensorData.Bytes(new byte[] {-1, 1})),
            InferTensorContents.newBuilder().addUintContents(255).addUintContents(1)),
        Arguments.of(
            new Tensor(
                "x", DataType.UINT16, new long[] {2}, new TensorData.Shorts(new short[] {-1, 2})),
            InferTensorContents.newBuilder().addUintContents(65535).addUintContents(2)),
        Arguments.of(
            new Tensor(
                "x", DataType.UINT32, new long[] {2}, new TensorData.Ints(new int[] {-1, 3})),
            InferTensorContents.newBuilder().addUintContents(-1).addUintContents(3)),
        Arguments.of(
            new Tensor(
                "x", DataType.UINT64, new long[] {2}, new TensorData.Longs(new long[] {-1, 4})),
            InferTensorContents.newBuilder().addUint64Contents(-1).addUint64Contents(4)),
        Arguments.of(
            Tensor.ofFloats("x", new long[] {1, 2}, 1.5f, Float.NaN),
            InferTensorContents.newBuilder().addFp32Contents(1.5f).addFp32Contents(Float.NaN)),
        Arguments.of(
            Tensor.ofDoubles("x", new long[] {2}, 0.1, -2.5),
            InferTensorContents.newBuilder().addFp64Contents(0.1).addFp64Contents(-2.5)),
        Arguments.of(
            new Tensor(
                "x",
                DataType.BYTES,
                new long[] {2},
                new TensorData.ByteStrings(
                    new byte[][] {{(byte) 0xff, 0}, "setosa".getBytes(StandardCharsets.UTF_8)})),
            InferTensorContents.newBuilder()
                .addBytesContents(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}))
                .addBytesContents(ByteString.copyFromUtf8("setosa"))));
  }

  @ParameterizedTest
  @MethodSource("typedTensors")
  void readsTypedContentsOfEachDatatype(Tensor expected, InferTensorContents.Builder contents) {
    InferInputTensor.Builder input =
        input(expected.datatype().wireName(), expected.shape()).setContents(contents);

    assertThat(only(GrpcTensors.readRequest(typed(input)))).isEqualTo(expected);
  }

  @ParameterizedTest
  @MethodSource("typedTensors")
  void writesTypedContentsOfEachDatatype(Tensor tensor, InferTensorContents.Builder contents) {
    InferResponse response = new InferResponse("m", "1", "id-1", List.of(tensor), Map.of());

    ModelInferResponse message = GrpcTensors.writeResponse(response, false);

    assertThat(message.getRawOutputContentsCount()).isZero();
    InferOutputTensor output = message.getOutputs(0);
    assertThat(output.getDatatype()).isEqualTo(tensor.datatype().wireName());
    assertThat(output.getShapeList()).containsExactly(box(tensor.shape()));
    assertThat(output.getContents()).isEqualTo(contents.build());
  }

  @ParameterizedTest
  @MethodSource("typedTensors")
  void rawRoundTripOfEachDatatype(Tensor tensor, InferTensorContents.Builder unused) {
    InferResponse response = new InferResponse("m", "1", null, List.of(tensor), Map.of());
    ModelInferResponse message = GrpcTensors.writeResponse(response, true);
    ModelInferRequest request =
        ModelInferRequest.newBuilder()
            .addInputs(input(tensor.datatype().wireName(), tensor.shape()))
            .addRawInputContents(message.getRawOutputContents(0))
            .build();

    assertThat(message.getOutputs(0).hasContents()).isFalse();
    assertThat(only(GrpcTensors.readRequest(request))).isEqualTo(tensor);
  }

  private static Long[] box(long[] values) {
    Long[] boxed = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return boxed;
  }

  @Test
  void rawFloatsAreLittleEndian() {
    ByteBuffer bytes = littleEndian(8).putFloat(5.1f).putFloat(-0.5f);

    Tensor tensor = only(GrpcTensors.readRequest(raw(input("FP32", 1, 2), bytes.array())));

    assertThat(tensor.floats()).containsExactly(5.1f, -0.5f);
  }

  @Test
  void rawBytesAreLengthPrefixedElements() {
    ByteBuffer bytes = littleEndian(4 + 2 + 4 + 0 + 4 + 3);
    bytes.putInt(2).put(new byte[] {'h', 'i'}).putInt(0).putInt(3).put(new byte[] {1, 2, 3});

    Tensor tensor = only(GrpcTensors.readRequest(raw(input("BYTES", 3), bytes.array())));

    assertThat(tensor.byteStrings()).isDeepEqualTo(new byte[][] {{'h', 'i'}, {}, {1, 2, 3}});
  }

  @Test
  void rawBytesAreWrittenLengthPrefixed() {
    Tensor tensor = Tensor.ofStrings("label", new long[] {2}, "ab", "");

    ByteString raw = GrpcTensors.writeRaw(tensor.data(), tensor.datatype());

    assertThat(raw.toByteArray()).containsExactly(2, 0, 0, 0, 'a', 'b', 0, 0, 0, 0);
  }

  @Test
  void fp16AndBf16TravelRawAsTheirBitPatterns() {
    short[] fp16 = {Float.floatToFloat16(1.5f), Float.floatToFloat16(-2f)};
    ByteBuffer bytes = littleEndian(4).putShort(fp16[0]).putShort(fp16[1]);

    Tensor tensor = only(GrpcTensors.readRequest(raw(input("FP16", 2), bytes.array())));

    assertThat(tensor.datatype()).isEqualTo(DataType.FP16);
    assertThat(((TensorData.Shorts) tensor.data()).values()).containsExactly(fp16);
  }

  @Test
  void responseWithAnFp16OutputIsRawEvenForATypedRequest() {
    Tensor half =
        new Tensor("h", DataType.BF16, new long[] {1}, new TensorData.Shorts(new short[] {0x3fc0}));
    Tensor label = Tensor.ofLongs("label", new long[] {1}, 2);

    ModelInferResponse message =
        GrpcTensors.writeResponse(
            new InferResponse("m", null, null, List.of(label, half), Map.of()), false);

    assertThat(message.getRawOutputContentsCount()).isEqualTo(2);
    assertThat(message.getRawOutputContents(1).toByteArray()).containsExactly(0xc0, 0x3f);
    assertThat(message.getOutputs(0).hasContents()).isFalse();
  }

  @Test
  void responseCarriesNameVersionIdAndParameters() {
    InferResponse response =
        new InferResponse(
            "iris",
            "2",
            "req-7",
            List.of(
                new Tensor(
                    "p",
                    DataType.FP32,
                    new long[] {1},
                    new TensorData.Floats(new float[] {1f}),
                    Map.of("unit", "prob"))),
            Map.of("classes", "a,b", "n", 3L, "ok", true, "t", 0.5));

    ModelInferResponse message = GrpcTensors.writeResponse(response, false);

    assertThat(message.getModelName()).isEqualTo("iris");
    assertThat(message.getModelVersion()).isEqualTo("2");
    assertThat(message.getId()).isEqualTo("req-7");
    assertThat(message.getParametersMap())
        .containsEntry("classes", InferParameter.newBuilder().setStringParam("a,b").build())
        .containsEntry("n", InferParameter.newBuilder().setInt64Param(3).build())
        .containsEntry("ok", InferParameter.newBuilder().setBoolParam(true).build())
        .containsEntry("t", InferParameter.newBuilder().setDoubleParam(0.5).build());
    assertThat(message.getOutputs(0).getParametersMap())
        .containsEntry("unit", InferParameter.newBuilder().setStringParam("prob").build());
  }

  @Test
  void readsIdOutputsAndParametersOfEveryKind() {
    ModelInferRequest request =
        typed(input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
            .toBuilder()
            .setId("req-1")
            .putParameters("timeout", InferParameter.newBuilder().setInt64Param(500).build())
            .putParameters("flag", InferParameter.newBuilder().setBoolParam(true).build())
            .putParameters("name", InferParameter.newBuilder().setStringParam("n").build())
            .putParameters("ratio", InferParameter.newBuilder().setDoubleParam(0.25).build())
            .putParameters("big", InferParameter.newBuilder().setUint64Param(7).build())
            .addOutputs(
                ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                    .setName("label")
                    .putParameters(
                        "binary_data", InferParameter.newBuilder().setBoolParam(false).build()))
            .build();

    InferRequest read = GrpcTensors.readRequest(request);

    assertThat(read.id()).isEqualTo("req-1");
    assertThat(read.parameters())
        .containsEntry("timeout", 500L)
        .containsEntry("flag", true)
        .containsEntry("name", "n")
        .containsEntry("ratio", 0.25)
        .containsEntry("big", 7L);
    assertThat(read.outputs()).hasSize(1);
    assertThat(read.outputs().getFirst().name()).isEqualTo("label");
    assertThat(read.outputs().getFirst().parameters()).containsEntry("binary_data", false);
  }

  @Test
  void emptyIdIsNoId() {
    ModelInferRequest request =
        typed(input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)));

    assertThat(GrpcTensors.readRequest(request).id()).isNull();
  }

  // ------------------------------------------------------------------ errors

  private static void assertInvalid(ModelInferRequest request, String field, String message) {
    assertThatThrownBy(() -> GrpcTensors.readRequest(request))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(message)
        .extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo(field);
  }

  @Test
  void noInputsIsInvalid() {
    assertInvalid(
        ModelInferRequest.newBuilder().setModelName("m").build(),
        "inputs",
        "inputs: empty (expected: at least one input tensor)");
  }

  @Test
  void unknownDatatypeNamesTheField() {
    assertThatThrownBy(() -> GrpcTensors.readRequest(typed(input("FP99", 1))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "inputs[0].datatype: 'FP99' is not a datatype (expected: one of BOOL");
  }

  @Test
  void missingNameNamesTheField() {
    assertInvalid(
        typed(input("FP32", 1).setName("")),
        "inputs[0].name",
        "inputs[0].name: missing (expected: a tensor name)");
  }

  @Test
  void duplicateInputNamesAreInvalid() {
    InferInputTensor.Builder one =
        input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f));
    ModelInferRequest request = typed(one).toBuilder().addInputs(one).build();

    assertInvalid(
        request,
        "inputs[1].name",
        "inputs[1].name: 'x' is also the name of inputs[0] (expected: unique input names)");
  }

  @Test
  void negativeDimensionNamesIt() {
    assertInvalid(
        typed(input("FP32", 2, -1)),
        "inputs[0].shape[1]",
        "inputs[0].shape[1]: -1 (expected: an integer >= 0)");
  }

  @Test
  void typedElementCountMustMatchTheShape() {
    InferInputTensor.Builder input =
        input("FP32", 1, 4)
            .setContents(InferTensorContents.newBuilder().addFp32Contents(1f).addFp32Contents(2f));

    assertInvalid(
        typed(input),
        "inputs[0].contents.fp32_contents",
        "inputs[0].contents.fp32_contents: 2 elements (expected: 4 for shape [1, 4])");
  }

  @Test
  void elementsInTheWrongTypedFieldNameBothFields() {
    InferInputTensor.Builder input =
        input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp64Contents(1.0));

    assertInvalid(
        typed(input),
        "inputs[0].contents.fp64_contents",
        "inputs[0].contents.fp64_contents: 1 element for datatype FP32 (expected: fp32_contents)");
  }

  @Test
  void int8OutOfRangeNamesTheElement() {
    InferInputTensor.Builder input =
        input("INT8", 2)
            .setContents(InferTensorContents.newBuilder().addIntContents(1).addIntContents(300));

    assertInvalid(
        typed(input),
        "inputs[0].contents.int_contents[1]",
        "inputs[0].contents.int_contents[1]: 300 (expected: INT8, an integer from -128 to 127)");
  }

  @Test
  void uint16OutOfRangeNamesTheElement() {
    InferInputTensor.Builder input =
        input("UINT16", 1).setContents(InferTensorContents.newBuilder().addUintContents(70000));

    assertInvalid(
        typed(input),
        "inputs[0].contents.uint_contents[0]",
        "inputs[0].contents.uint_contents[0]: 70000 (expected: UINT16, an integer from 0 to 65535)");
  }

  @Test
  void fp16HasNoTypedContents() {
    assertInvalid(
        typed(input("FP16", 1)),
        "inputs[0].contents",
        "inputs[0].contents: no data for datatype FP16 (expected: raw_input_contents, the only"
            + " way FP16 travels)");
  }

  @Test
  void rawSizeMustMatchTheShape() {
    assertInvalid(
        raw(input("FP32", 1, 4), new byte[12]),
        "raw_input_contents[0]",
        "raw_input_contents[0]: 12 (expected: 16, 4 FP32 values of 4 bytes for shape [1, 4])");
  }

  @Test
  void rawEntriesMustMatchTheInputs() {
    ModelInferRequest request =
        raw(input("FP32", 1), new byte[4]).toBuilder()
            .addInputs(input("FP32", 1).setName("y"))
            .build();

    assertInvalid(
        request,
        "raw_input_contents",
        "raw_input_contents: 1 entries for 2 inputs (expected: one entry per input, in the order"
            + " of inputs)");
  }

  @Test
  void rawAndTypedContentsTogetherAreInvalid() {
    InferInputTensor.Builder input =
        input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f));

    assertInvalid(
        raw(input, new byte[4]),
        "inputs[0].contents",
        "inputs[0].contents: set along with raw_input_contents (expected: one or the other for all"
            + " inputs)");
  }

  @Test
  void rawBoolMustBeZeroOrOne() {
    assertInvalid(
        raw(input("BOOL", 2), new byte[] {1, 2}),
        "raw_input_contents[0][1]",
        "raw_input_contents[0][1]: byte 2 (expected: 0 or 1 for BOOL)");
  }

  @Test
  void rawBytesLengthBeyondTheDataIsInvalid() {
    ByteBuffer bytes = littleEndian(6).putInt(9).put(new byte[] {1, 2});

    assertInvalid(
        raw(input("BYTES", 1), bytes.array()),
        "raw_input_contents[0][0]",
        "raw_input_contents[0][0]: length 9 at byte 0 of the tensor (expected: at most 2, the"
            + " bytes left of the tensor)");
  }

  @Test
  void rawBytesWithDataLeftOverIsInvalid() {
    ByteBuffer bytes = littleEndian(7).putInt(1).put(new byte[] {1, 2, 3});

    assertInvalid(
        raw(input("BYTES", 1), bytes.array()),
        "raw_input_contents[0]",
        "raw_input_contents[0]: 7 (expected: 5, the bytes of the 1 BYTES elements of shape [1])");
  }

  @Test
  void parameterWithoutValueIsInvalid() {
    ModelInferRequest request =
        typed(input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
            .toBuilder()
            .putParameters("timeout", InferParameter.getDefaultInstance())
            .build();

    assertInvalid(
        request,
        "parameters.timeout",
        "parameters.timeout: no value (expected: one of bool_param, int64_param, string_param,"
            + " double_param, uint64_param)");
  }

  @Test
  void uint64ParameterAboveLongRangeIsInvalid() {
    ModelInferRequest request =
        typed(input("FP32", 1).setContents(InferTensorContents.newBuilder().addFp32Contents(1f)))
            .toBuilder()
            .putParameters("big", InferParameter.newBuilder().setUint64Param(-1).build())
            .build();

    assertInvalid(
        request,
        "parameters.big",
        "parameters.big: 18446744073709551615 (expected: a uint64_param of at most "
            + Long.MAX_VALUE
            + ")");
  }
}
