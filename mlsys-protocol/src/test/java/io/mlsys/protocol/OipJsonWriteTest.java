package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OipJsonWriteTest {
  private final OipJson codec = new OipJson();

  private String response(Tensor... outputs) {
    return text(
        codec.writeInferResponse(new InferResponse("m", null, null, List.of(outputs), Map.of())));
  }

  @Test
  void writesIrisResponse() {
    InferResponse response =
        new InferResponse(
            "iris",
            "1",
            "r1",
            List.of(
                Tensor.ofLongs("output_label", new long[] {1}, 0),
                Tensor.ofFloats(
                    "probabilities", new long[] {1, 3}, 0.9709316f, 0.015583082f, 0.0134853665f)),
            Map.of());

    assertThat(text(codec.writeInferResponse(response)))
        .isEqualTo(
            "{\"model_name\":\"iris\",\"model_version\":\"1\",\"id\":\"r1\",\"outputs\":["
                + "{\"name\":\"output_label\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[0]},"
                + "{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[1,3],"
                + "\"data\":[0.9709316,0.015583082,0.0134853665]}]}");
  }

  @Test
  void omitsNullVersionAndIdAndEmptyParameters() {
    assertThat(response(Tensor.ofBools("b", new long[] {1}, true)))
        .isEqualTo(
            "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"b\",\"datatype\":\"BOOL\","
                + "\"shape\":[1],\"data\":[true]}]}");
  }

  @Test
  void writesResponseAndTensorParameters() {
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("s", "x");
    parameters.put("n", 3L);
    parameters.put("d", 0.5);
    parameters.put("b", false);
    Tensor tensor =
        new Tensor(
            "t", DataType.INT32, new long[] {1}, new TensorData.Ints(new int[] {1}), parameters);
    InferResponse response = new InferResponse("m", null, null, List.of(tensor), parameters);

    assertThat(text(codec.writeInferResponse(response)))
        .isEqualTo(
            "{\"model_name\":\"m\",\"parameters\":{\"s\":\"x\",\"n\":3,\"d\":0.5,\"b\":false},"
                + "\"outputs\":[{\"name\":\"t\",\"datatype\":\"INT32\",\"shape\":[1],"
                + "\"parameters\":{\"s\":\"x\",\"n\":3,\"d\":0.5,\"b\":false},\"data\":[1]}]}");
  }

  @Test
  void writesUnsignedTypesAsUnsignedDecimals() {
    String json =
        response(
            new Tensor("a", DataType.UINT8, new long[] {1}, new TensorData.Bytes(new byte[] {-1})),
            new Tensor(
                "b", DataType.UINT16, new long[] {1}, new TensorData.Shorts(new short[] {-1})),
            new Tensor("c", DataType.UINT32, new long[] {1}, new TensorData.Ints(new int[] {-1})),
            new Tensor(
                "d", DataType.UINT64, new long[] {2}, new TensorData.Longs(new long[] {-1, 5})));

    assertThat(json)
        .contains("\"name\":\"a\",\"datatype\":\"UINT8\",\"shape\":[1],\"data\":[255]")
        .contains("\"data\":[65535]")
        .contains("\"data\":[4294967295]")
        .contains("\"data\":[18446744073709551615,5]");
  }

  @Test
  void writesHalfPrecisionAsFloatValues() {
    String json =
        response(
            new Tensor(
                "h",
                DataType.FP16,
                new long[] {2},
                new TensorData.Shorts(new short[] {(short) 0x3C00, (short) 0x7BFF})),
            new Tensor(
                "b",
                DataType.BF16,
                new long[] {1},
                new TensorData.Shorts(new short[] {(short) 0xC020})));

    assertThat(json).contains("\"data\":[1.0,65504.0]").contains("\"data\":[-2.5]");
  }

  @Test
  void writesNonFiniteFloatsAsStrings() {
    assertThat(
            response(
                Tensor.ofFloats(
                    "f",
                    new long[] {3},
                    Float.NaN,
                    Float.POSITIVE_INFINITY,
                    Float.NEGATIVE_INFINITY)))
        .contains("\"data\":[\"NaN\",\"Infinity\",\"-Infinity\"]");
  }

  @Test
  void writesBytesAsEscapedUtf8Strings() {
    assertThat(response(Tensor.ofStrings("s", new long[] {2}, "a\"b\n", "✓ 😀")))
        .contains("\"data\":[\"a\\\"b\\n\",\"✓ 😀\"]")
        .doesNotContain("content_encoding");
  }

  @Test
  void writesInvalidUtf8BytesAsBase64WithTheEncodingParameter() {
    Tensor raw =
        new Tensor(
            "raw",
            DataType.BYTES,
            new long[] {2},
            new TensorData.ByteStrings(new byte[][] {{(byte) 0xFF, 1}, {'h', 'i'}}));

    assertThat(response(raw))
        .isEqualTo(
            "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"raw\",\"datatype\":\"BYTES\","
                + "\"shape\":[2],\"parameters\":{\"content_encoding\":\"base64\"},"
                + "\"data\":[\"/wE=\",\"aGk=\"]}]}");
  }

  @Test
  void dropsStaleContentEncodingFromValidUtf8Bytes() {
    Tensor text =
        new Tensor(
            "s",
            DataType.BYTES,
            new long[] {1},
            new TensorData.ByteStrings(new byte[][] {{'o', 'k'}}),
            Map.of("content_encoding", "base64"));

    assertThat(response(text)).doesNotContain("content_encoding").contains("\"data\":[\"ok\"]");
  }

  @Test
  void writesRequestWithOutputs() {
    InferRequest request =
        new InferRequest(
            "7",
            List.of(Tensor.ofFloats("float_input", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f)),
            List.of(new RequestedOutput("output_label", Map.of("binary_data", false))),
            Map.of("timeout", 100L));

    assertThat(text(codec.writeInferRequest(request)))
        .isEqualTo(
            "{\"id\":\"7\",\"parameters\":{\"timeout\":100},\"inputs\":[{\"name\":\"float_input\","
                + "\"datatype\":\"FP32\",\"shape\":[1,4],\"data\":[5.1,3.5,1.4,0.2]}],"
                + "\"outputs\":[{\"name\":\"output_label\",\"parameters\":{\"binary_data\":false}}]}");
  }

  @Test
  void writesModelMetadataWithOurExtras() {
    ModelMetadata metadata =
        new ModelMetadata(
            "iris",
            "2",
            "onnxruntime_onnx",
            List.of(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L))),
            List.of(
                new TensorSpec("output_label", DataType.INT64, List.of(-1L)),
                new TensorSpec(
                    "output_probability",
                    DataType.FP32,
                    List.of(-1L, 3L),
                    List.of("0", "1", "2"),
                    Map.of("zipmap", true))),
            Map.of("0", "setosa", "2", "virginica", "10", "ten", "1", "versicolor"),
            Map.of("producer", "skl2onnx", "domain", "ai.onnx"));

    assertThat(text(codec.writeModelMetadata(metadata, List.of("1", "2"))))
        .isEqualTo(
            "{\"name\":\"iris\",\"versions\":[\"1\",\"2\"],\"platform\":\"onnxruntime_onnx\","
                + "\"inputs\":[{\"name\":\"float_input\",\"datatype\":\"FP32\",\"shape\":[-1,4]}],"
                + "\"outputs\":[{\"name\":\"output_label\",\"datatype\":\"INT64\",\"shape\":[-1]},"
                + "{\"name\":\"output_probability\",\"datatype\":\"FP32\",\"shape\":[-1,3],"
                + "\"classes\":[\"0\",\"1\",\"2\"],\"parameters\":{\"zipmap\":true}}],"
                + "\"labels\":{\"0\":\"setosa\",\"1\":\"versicolor\",\"2\":\"virginica\","
                + "\"10\":\"ten\"},"
                + "\"properties\":{\"domain\":\"ai.onnx\",\"producer\":\"skl2onnx\"}}");
  }

  @Test
  void metadataOmitsEmptyVersionsLabelsAndProperties() {
    ModelMetadata metadata =
        new ModelMetadata("g", null, "graph", List.of(), List.of(), Map.of(), Map.of());

    assertThat(text(codec.writeModelMetadata(metadata, List.of())))
        .isEqualTo("{\"name\":\"g\",\"platform\":\"graph\",\"inputs\":[],\"outputs\":[]}");
  }

  @Test
  void writesErrorWithEscaping() {
    assertThat(text(codec.writeError("inputs[0].data[1]: \"x\" (expected: a number)")))
        .isEqualTo("{\"error\":\"inputs[0].data[1]: \\\"x\\\" (expected: a number)\"}");
  }

  @Test
  void writesArbitraryValuesWithDataBinding() {
    record Server(String name, String version, List<String> extensions) {}

    assertThat(text(codec.writeJson(new Server("mlsys", "0.1.0", List.of()))))
        .isEqualTo("{\"name\":\"mlsys\",\"version\":\"0.1.0\",\"extensions\":[]}");
  }

  @Test
  void sharedCodecWritesFromManyThreads() throws Exception {
    Tensor tensor = Tensor.ofFloats("f", new long[] {2}, 1.5f, 2.5f);
    InferResponse response = new InferResponse("m", null, null, List.of(tensor), Map.of());
    String expected = text(codec.writeInferResponse(response));

    try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var results = new java.util.ArrayList<java.util.concurrent.Future<String>>();
      for (int i = 0; i < 64; i++) {
        results.add(
            executor.submit(
                () ->
                    text(
                        codec.writeInferResponse(
                            codec.readInferResponse(codec.writeInferResponse(response))))));
      }
      for (var result : results) {
        assertThat(result.get()).isEqualTo(expected);
      }
    }
  }
}
