package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.json;
import static io.mlsys.protocol.Bodies.rejection;
import static io.mlsys.protocol.Bodies.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KServeV1JsonTest {
  private static final Map<String, String> IRIS_LABELS =
      Map.of("0", "setosa", "1", "versicolor", "2", "virginica");

  private static final ModelMetadata IRIS =
      new ModelMetadata(
          "iris",
          "1",
          "onnxruntime_onnx",
          List.of(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L))),
          List.of(
              new TensorSpec("output_label", DataType.INT64, List.of(-1L)),
              new TensorSpec(
                  "output_probability",
                  DataType.FP32,
                  List.of(-1L, 3L),
                  List.of("0", "1", "2"),
                  Map.of())),
          IRIS_LABELS,
          Map.of());

  private final KServeV1Json codec = new KServeV1Json();

  private static ModelMetadata singleInput(TensorSpec input) {
    return new ModelMetadata("m", null, "test", List.of(input), List.of(), Map.of(), Map.of());
  }

  private InvalidInputException rejected(String body, ModelMetadata metadata) {
    return rejection(() -> codec.readPredictRequest(json(body), metadata));
  }

  @Test
  void oneIrisInstanceBecomesOneRow() {
    InferRequest request =
        codec.readPredictRequest(json("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}"), IRIS);

    Tensor input = request.inputs().get(0);
    assertThat(input.name()).isEqualTo("float_input");
    assertThat(input.datatype()).isEqualTo(DataType.FP32);
    assertThat(input.shape()).containsExactly(1, 4);
    assertThat(input.floats()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
  }

  @Test
  void asksOnlyForThePrimaryOutput() {
    InferRequest request =
        codec.readPredictRequest(json("{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}"), IRIS);

    assertThat(request.outputs()).containsExactly(RequestedOutput.named("output_label"));
  }

  @Test
  void instancesBecomeTheBatchDimension() {
    Tensor input =
        codec
            .readPredictRequest(
                json("{\"instances\": [[5.1, 3.5, 1.4, 0.2], [1, 2, 3, 4], [6.7, 3.0, 5.2, 2.3]]}"),
                IRIS)
            .inputs()
            .get(0);

    assertThat(input.shape()).containsExactly(3, 4);
    assertThat(input.floats())
        .containsExactly(5.1f, 3.5f, 1.4f, 0.2f, 1, 2, 3, 4, 6.7f, 3.0f, 5.2f, 2.3f);
  }

  @Test
  void acceptsInputsAsAliasOfInstances() {
    InferRequest viaInputs = codec.readPredictRequest(json("{\"inputs\": [[1, 2, 3, 4]]}"), IRIS);
    InferRequest viaInstances =
        codec.readPredictRequest(json("{\"instances\": [[1, 2, 3, 4]]}"), IRIS);

    assertThat(viaInputs).isEqualTo(viaInstances);
  }

  @Test
  void scalarInstancesForRankOneInput() {
    Tensor input =
        codec
            .readPredictRequest(
                json("{\"instances\": [3, -1, 9000000000]}"),
                singleInput(new TensorSpec("n", DataType.INT64, List.of(-1L))))
            .inputs()
            .get(0);

    assertThat(input.shape()).containsExactly(3);
    assertThat(input.longs()).containsExactly(3L, -1L, 9_000_000_000L);
  }

  @Test
  void stringAndBoolInstances() {
    Tensor text =
        codec
            .readPredictRequest(
                json("{\"instances\": [[\"a\"], [\"ü\"]]}"),
                singleInput(new TensorSpec("t", DataType.BYTES, List.of(-1L, 1L))))
            .inputs()
            .get(0);
    Tensor flags =
        codec
            .readPredictRequest(
                json("{\"instances\": [true, false]}"),
                singleInput(new TensorSpec("b", DataType.BOOL, List.of(-1L))))
            .inputs()
            .get(0);

    assertThat(text.shape()).containsExactly(2, 1);
    assertThat(text.strings()).containsExactly("a", "ü");
    assertThat(flags.bools()).containsExactly(true, false);
  }

  @Test
  void dynamicDimsComeFromTheFirstInstance() {
    Tensor input =
        codec
            .readPredictRequest(
                json("{\"instances\": [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]}"),
                singleInput(new TensorSpec("x", DataType.INT32, List.of(-1L, -1L, -1L))))
            .inputs()
            .get(0);

    assertThat(input.shape()).containsExactly(2, 2, 3);
    assertThat(input.ints()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  void instancesMustAgreeOnDynamicDims() {
    ModelMetadata dynamic = singleInput(new TensorSpec("x", DataType.FP32, List.of(-1L, -1L)));

    assertThat(rejected("{\"instances\": [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3]]}", dynamic))
        .hasMessage("instances[2]: 3 values (expected: 4 like instances[0])");
  }

  @Test
  void nestedRowsMustAgreeWithinTheFirstInstance() {
    ModelMetadata dynamic = singleInput(new TensorSpec("x", DataType.FP32, List.of(-1L, -1L, -1L)));

    assertThat(rejected("{\"instances\": [[[1, 2], [3]]]}", dynamic))
        .hasMessage("instances[0][1]: 1 values (expected: 2 like instances[0][0])");
  }

  @Test
  void rejectsRaggedRowsAgainstFixedDims() {
    assertThat(rejected("{\"instances\": [[1, 2, 3, 4], [1, 2, 3]]}", IRIS))
        .hasMessage(
            "instances[1]: 3 values (expected: 4 for input 'float_input' with shape [-1, 4])");
  }

  @Test
  void rejectsScalarWhereARowIsExpected() {
    assertThat(rejected("{\"instances\": [5.1]}", IRIS))
        .hasMessage(
            "instances[0]: 5.1 (expected: an array of 4 values for input 'float_input' with"
                + " shape [-1, 4])");
  }

  @Test
  void rejectsWrongElementType() {
    assertThat(rejected("{\"instances\": [[1, 2, \"three\", 4]]}", IRIS))
        .hasMessage("instances[0][2]: \"three\" (expected: a number for FP32)");
  }

  @Test
  void rejectsNestingDeeperThanTheInput() {
    InvalidInputException e = rejected("{\"instances\": [[1, 2, [3], 4]]}", IRIS);

    assertThat(e.field()).isEqualTo("instances[0][2]");
    assertThat(e.getMessage()).contains("nested deeper than");
  }

  @Test
  void rejectsEmptyInstances() {
    assertThat(rejected("{\"instances\": []}", IRIS))
        .hasMessage("instances: empty (expected: at least one instance)");
  }

  @Test
  void rejectsMissingInstances() {
    assertThat(rejected("{}", IRIS).field()).isEqualTo("instances");
  }

  @Test
  void rejectsInstancesThatAreNotAnArray() {
    assertThat(rejected("{\"instances\": \"x\"}", IRIS))
        .hasMessage("instances: \"x\" (expected: an array with one entry per instance)");
    assertThat(rejected("{\"inputs\": {\"float_input\": [[1, 2, 3, 4]]}}", IRIS))
        .hasMessage(
            "inputs: an object (expected: an array with one entry per instance; the columnar"
                + " format is not supported)");
  }

  @Test
  void rejectsUnknownKeysAndBothForms() {
    assertThat(rejected("{\"signature_name\": \"x\", \"instances\": [[1, 2, 3, 4]]}", IRIS))
        .hasMessage("signature_name: unknown key (expected: one of instances, inputs)");
    assertThat(rejected("{\"instances\": [[1, 2, 3, 4]], \"inputs\": [[1, 2, 3, 4]]}", IRIS))
        .hasMessage("inputs: given together with instances (expected: one of instances or inputs)");
  }

  @Test
  void rejectsMalformedJson() {
    assertThat(rejected("{\"instances\": [[1, 2, 3, 4]", IRIS).field()).isEqualTo("body");
  }

  @Test
  void rejectsMoreInstancesThanAFixedBatchSize() {
    ModelMetadata fixed = singleInput(new TensorSpec("x", DataType.FP32, List.of(1L, 2L)));

    assertThat(rejected("{\"instances\": [[1, 2], [3, 4]]}", fixed))
        .hasMessage(
            "instances: 2 instances (expected: 1, the fixed batch size of input 'x' with shape"
                + " [1, 2])");
  }

  private static final ModelMetadata TWO_INPUTS =
      new ModelMetadata(
          "m",
          null,
          "test",
          List.of(
              new TensorSpec("age", DataType.FP32, List.of(-1L)),
              new TensorSpec("tokens", DataType.INT64, List.of(-1L, 2L))),
          List.of(new TensorSpec("score", DataType.FP32, List.of(-1L))),
          Map.of(),
          Map.of());

  @Test
  void severalInputsAreNamedInEachInstance() {
    InferRequest request =
        codec.readPredictRequest(
            json(
                "{\"instances\": [{\"age\": 31, \"tokens\": [1, 2]},"
                    + " {\"tokens\": [3, 4], \"age\": 42.5}]}"),
            TWO_INPUTS);

    assertThat(request.inputs()).hasSize(2);
    assertThat(request.inputs().get(0).shape()).containsExactly(2);
    assertThat(request.inputs().get(0).floats()).containsExactly(31f, 42.5f);
    assertThat(request.inputs().get(1).shape()).containsExactly(2, 2);
    assertThat(request.inputs().get(1).longs()).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void severalInputsMustAllBeGiven() {
    assertThat(
            rejected(
                "{\"instances\": [{\"age\": 31, \"tokens\": [1, 2]}, {\"age\": 42}]}", TWO_INPUTS))
        .hasMessage(
            "instances[1].tokens: missing (expected: a value for every input: age, tokens)");
  }

  @Test
  void severalInputsRejectUnknownNames() {
    assertThat(rejected("{\"instances\": [{\"age\": 31, \"color\": 1}]}", TWO_INPUTS))
        .hasMessage("instances[0].color: unknown input (expected: one of age, tokens)");
  }

  @Test
  void severalInputsNeedObjects() {
    assertThat(rejected("{\"instances\": [[31, 1, 2]]}", TWO_INPUTS))
        .hasMessage(
            "instances[0]: an array (expected: an object with a value for each input: age,"
                + " tokens)");
  }

  @Test
  void severalInputsNameTheBadElement() {
    assertThat(rejected("{\"instances\": [{\"age\": 31, \"tokens\": [1, 2.5]}]}", TWO_INPUTS))
        .hasMessage(
            "instances[0].tokens[1]: 2.5 (expected: an integer from -9223372036854775808 to"
                + " 9223372036854775807 for INT64)");
  }

  @Test
  void singleInputAlsoAcceptsTheNamedForm() {
    InferRequest named =
        codec.readPredictRequest(json("{\"instances\": [{\"float_input\": [1, 2, 3, 4]}]}"), IRIS);

    assertThat(named.inputs().get(0).floats()).containsExactly(1, 2, 3, 4);
  }

  @Test
  void rejectsModelWithoutInputs() {
    ModelMetadata none =
        new ModelMetadata("g", null, "graph", List.of(), List.of(), Map.of(), Map.of());

    assertThat(rejected("{\"instances\": [1]}", none).getMessage()).contains("declares no inputs");
  }

  private static InferResponse irisResponse(Tensor... outputs) {
    return new InferResponse("iris", "1", null, List.of(outputs), Map.of());
  }

  @Test
  void mapsLabelOutputThroughTheModelLabels() {
    InferResponse response =
        irisResponse(
            Tensor.ofLongs("output_label", new long[] {4}, 0, 2, 2, 2),
            Tensor.ofFloats("output_probability", new long[] {4, 3}, new float[12]));

    assertThat(text(codec.writePredictResponse(response, IRIS)))
        .isEqualTo("{\"predictions\":[\"setosa\",\"virginica\",\"virginica\",\"virginica\"]}");
  }

  @Test
  void labelsFromTheSharedFixtureNameTheSpecies() throws IOException {
    Map<String, String> labels =
        JsonMapper.builder()
            .build()
            .readValue(
                Files.readString(Fixtures.require("sklearn-iris/label.json")),
                new TypeReference<Map<String, String>>() {});
    InferResponse response = irisResponse(Tensor.ofLongs("output_label", new long[] {3}, 0, 1, 2));

    assertThat(text(codec.writePredictResponse(response, IRIS.withLabels(labels))))
        .isEqualTo("{\"predictions\":[\"setosa\",\"versicolor\",\"virginica\"]}");
  }

  @Test
  void writesRawValueWhenLabelsHaveNoEntry() {
    InferResponse response = irisResponse(Tensor.ofLongs("output_label", new long[] {2}, 1, 7));

    assertThat(text(codec.writePredictResponse(response, IRIS)))
        .isEqualTo("{\"predictions\":[\"versicolor\",7]}");
  }

  @Test
  void mapsStringLabels() {
    ModelMetadata metadata = IRIS.withLabels(Map.of("cat", "Felis catus"));
    InferResponse response =
        irisResponse(Tensor.ofStrings("output_label", new long[] {2}, "cat", "dog"));

    assertThat(text(codec.writePredictResponse(response, metadata)))
        .isEqualTo("{\"predictions\":[\"Felis catus\",\"dog\"]}");
  }

  @Test
  void usesTheFirstSignatureOutputPresentInTheResponse() {
    InferResponse response =
        irisResponse(
            Tensor.ofFloats(
                "output_probability",
                new long[] {2, 3},
                0.9709316f,
                0.015583082f,
                0.0134853665f,
                0.36133277f,
                0.25747606f,
                0.38119125f));

    assertThat(text(codec.writePredictResponse(response, IRIS)))
        .isEqualTo(
            "{\"predictions\":[[0.9709316,0.015583082,0.0134853665],"
                + "[0.36133277,0.25747606,0.38119125]]}");
  }

  @Test
  void columnOutputGivesScalars() {
    ModelMetadata ocs =
        new ModelMetadata(
            "ocs",
            null,
            "onnxruntime_onnx",
            IRIS.inputs(),
            List.of(
                new TensorSpec("label", DataType.INT64, List.of(-1L, 1L)),
                new TensorSpec("scores", DataType.FP32, List.of(-1L, 1L))),
            Map.of(),
            Map.of());
    InferResponse response =
        new InferResponse(
            "ocs",
            null,
            null,
            List.of(
                Tensor.ofFloats("scores", new long[] {2, 1}, 0.1915884f, -2.9410233f),
                Tensor.ofLongs("label", new long[] {2, 1}, 1, -1)),
            Map.of());

    assertThat(text(codec.writePredictResponse(response, ocs)))
        .isEqualTo("{\"predictions\":[1,-1]}");
  }

  @Test
  void higherRankOutputGivesNestedRows() {
    InferResponse response =
        irisResponse(Tensor.ofInts("grid", new long[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8));

    assertThat(text(codec.writePredictResponse(response, singleInput(IRIS.inputs().get(0)))))
        .isEqualTo("{\"predictions\":[[[1,2],[3,4]],[[5,6],[7,8]]]}");
  }

  @Test
  void fallsBackToTheFirstOutputWhenTheSignatureHasNone() {
    InferResponse response =
        irisResponse(
            new Tensor(
                "u", DataType.UINT8, new long[] {2}, new TensorData.Bytes(new byte[] {-1, 3})));

    assertThat(text(codec.writePredictResponse(response, singleInput(IRIS.inputs().get(0)))))
        .isEqualTo("{\"predictions\":[255,3]}");
  }

  @Test
  void responseWithoutOutputsIsAModelFailure() {
    assertThatThrownBy(() -> codec.writePredictResponse(irisResponse(), IRIS))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("returned no outputs");
  }
}
