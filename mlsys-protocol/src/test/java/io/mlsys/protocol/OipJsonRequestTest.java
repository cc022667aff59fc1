package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.json;
import static io.mlsys.protocol.Bodies.rejection;
import static io.mlsys.protocol.Bodies.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OipJsonRequestTest {
  private final OipJson codec = new OipJson();

  private InferRequest read(String body) {
    return codec.readInferRequest(json(body));
  }

  private InvalidInputException rejected(String body) {
    return rejection(() -> codec.readInferRequest(json(body)));
  }

  @Test
  void readsIrisRequestIntoFloatArray() {
    InferRequest request = read(request("float_input", "[1, 4]", "FP32", "[5.1, 3.5, 1.4, 0.2]"));

    Tensor input = request.inputs().get(0);
    assertThat(input.name()).isEqualTo("float_input");
    assertThat(input.datatype()).isEqualTo(DataType.FP32);
    assertThat(input.shape()).containsExactly(1, 4);
    assertThat(input.floats()).containsExactly(5.1f, 3.5f, 1.4f, 0.2f);
    assertThat(request.id()).isNull();
    assertThat(request.outputs()).isEmpty();
    assertThat(request.parameters()).isEmpty();
  }

  @Test
  void readsIdParametersAndRequestedOutputs() {
    InferRequest request =
        read(
            """
            {"id": "r-42", "parameters": {"timeout": 250, "note": "x", "strict": true, "w": 0.5},
             "inputs": [{"name": "a", "shape": [1], "datatype": "INT64", "data": [7],
                         "parameters": {"k": "v"}}],
             "outputs": [{"name": "output_label"},
                         {"name": "output_probability", "parameters": {"binary_data": false}}]}
            """);

    assertThat(request.id()).isEqualTo("r-42");
    assertThat(request.parameters())
        .containsExactly(
            Map.entry("timeout", 250L),
            Map.entry("note", "x"),
            Map.entry("strict", true),
            Map.entry("w", 0.5));
    assertThat(request.inputs().get(0).parameters()).containsExactly(Map.entry("k", "v"));
    assertThat(request.outputs())
        .containsExactly(
            RequestedOutput.named("output_label"),
            new RequestedOutput("output_probability", Map.of("binary_data", false)));
  }

  @Test
  void nestedDataEqualsFlatData() {
    Tensor flat = read(request("x", "[2, 3]", "INT32", "[1, 2, 3, 4, 5, 6]")).inputs().get(0);
    Tensor nested = read(request("x", "[2, 3]", "INT32", "[[1, 2, 3], [4, 5, 6]]")).inputs().get(0);

    assertThat(nested).isEqualTo(flat);
    assertThat(nested.ints()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void readsThreeLevelNestedData() {
    Tensor tensor =
        read(request("x", "[2, 2, 2]", "INT8", "[[[1, 2], [3, 4]], [[5, 6], [7, 8]]]"))
            .inputs()
            .get(0);

    assertThat(((io.mlsys.core.TensorData.Bytes) tensor.data()).values())
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
  }

  @Test
  void readsDataThatComesBeforeShapeAndDatatype() {
    Tensor reordered =
        read("{\"inputs\":[{\"data\":[[1.5,2.5],[3.5,4.5]],\"name\":\"x\",\"datatype\":\"FP64\","
                + "\"shape\":[2,2]}]}")
            .inputs()
            .get(0);

    assertThat(reordered.doubles()).containsExactly(1.5, 2.5, 3.5, 4.5);
    assertThat(reordered.shape()).containsExactly(2, 2);
  }

  @Test
  void readsScalarAndEmptyTensors() {
    InferRequest request =
        read(
            """
            {"inputs": [{"name": "s", "shape": [], "datatype": "FP32", "data": [7]},
                        {"name": "e", "shape": [0, 3], "datatype": "FP32", "data": []},
                        {"name": "n", "shape": [2, 0], "datatype": "FP32", "data": [[], []]}]}
            """);

    assertThat(request.inputs().get(0).floats()).containsExactly(7f);
    assertThat(request.inputs().get(1).floats()).isEmpty();
    assertThat(request.inputs().get(2).shape()).containsExactly(2, 0);
  }

  @Test
  void readsSeveralInputs() {
    InferRequest request =
        read(
            """
            {"inputs": [{"name": "a", "shape": [2], "datatype": "BOOL", "data": [true, false]},
                        {"name": "b", "shape": [1], "datatype": "BYTES", "data": ["hi"]}]}
            """);

    assertThat(request.input("a").orElseThrow().bools()).containsExactly(true, false);
    assertThat(request.input("b").orElseThrow().strings()).containsExactly("hi");
  }

  @Test
  void rejectsMalformedJsonSayingWhere() {
    InvalidInputException e = rejected("{\"inputs\":\n  [{\"name\": \"x\",}]}");

    assertThat(e.field()).isEqualTo("body");
    assertThat(e.getMessage()).startsWith("body: malformed JSON at line 2, column 17");
  }

  @Test
  void rejectsTruncatedJson() {
    InvalidInputException e = rejected(request("x", "[2]", "FP32", "[1, 2]").substring(0, 40));

    assertThat(e.field()).isEqualTo("body");
    assertThat(e.getMessage()).contains("malformed JSON").doesNotContain("Source");
  }

  @Test
  void rejectsInvalidUtf8InTheBody() {
    byte[] body = json(request("x", "[1]", "BYTES", "[\"ab\"]"));
    int a = new String(body, java.nio.charset.StandardCharsets.UTF_8).indexOf("ab");
    body[a] = (byte) 0xFF;

    InvalidInputException e = rejection(() -> codec.readInferRequest(body));

    assertThat(e.getMessage()).startsWith("body: malformed JSON at line 1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[1, 2]| body: an array (expected: a JSON object)",
        "\"inputs\"| body: \"inputs\" (expected: a JSON object)",
        "42| body: 42 (expected: a JSON object)",
        "null| body: null (expected: a JSON object)",
        "'   '| body: empty (expected: a JSON object)",
      })
  void rejectsBodiesThatAreNotObjects(String body, String message) {
    assertThat(rejected(body)).hasMessage(message);
  }

  @Test
  void rejectsNullBody() {
    assertThat(rejection(() -> codec.readInferRequest(null)))
        .hasMessage("body: missing (expected: a JSON object)");
  }

  @Test
  void rejectsContentAfterTheObject() {
    InvalidInputException e = rejected(request("x", "[1]", "FP32", "[1]") + " {\"inputs\": []}");

    assertThat(e.field()).isEqualTo("body");
    assertThat(e.getMessage()).contains("unexpected content after the JSON object at line 1");
  }

  @Test
  void rejectsMissingInputs() {
    assertThat(rejected("{\"id\": \"1\"}"))
        .hasMessage("inputs: missing (expected: an array of input tensors)");
  }

  @Test
  void rejectsEmptyInputs() {
    assertThat(rejected("{\"inputs\": []}"))
        .hasMessage("inputs: empty (expected: at least one input tensor)");
  }

  @Test
  void rejectsInputsThatAreNotAnArray() {
    assertThat(rejected("{\"inputs\": {\"name\": \"x\"}}"))
        .hasMessage("inputs: an object (expected: an array of input tensors)");
  }

  @Test
  void rejectsInputThatIsNotAnObject() {
    assertThat(rejected("{\"inputs\": [\"x\"]}"))
        .hasMessage("inputs[0]: \"x\" (expected: an input tensor object)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}"
            + "| inputs[0].name: missing (expected: a tensor name)",
        "{\"name\":\"x\",\"datatype\":\"FP32\",\"data\":[1]}"
            + "| inputs[0].shape: missing (expected: an array of integers)",
        "{\"name\":\"x\",\"shape\":[1],\"data\":[1]}"
            + "| inputs[0].datatype: missing (expected: a datatype name such as FP32)",
        "{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\"}"
            + "| inputs[0].data: missing (expected: an array of values)",
      })
  void rejectsInputWithoutARequiredKey(String tensor, String message) {
    assertThat(rejected("{\"inputs\": [" + tensor + "]}")).hasMessage(message);
  }

  @Test
  void explainsThatBinaryDataNeedsTheJsonLengthHeader() {
    InvalidInputException e =
        rejected(
            "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
                + "\"parameters\":{\"binary_data_size\":4}}]}");

    assertThat(e)
        .hasMessage(
            "inputs[0].data: missing (expected: an array of values; binary_data_size needs the"
                + " binary tensor data extension, with the JSON length in the"
                + " Inference-Header-Content-Length header)");
  }

  @Test
  void rejectsBinaryDataSizeBesideJsonData() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\","
                    + "\"parameters\":{\"binary_data_size\":4},\"data\":[1]}]}"))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 4 given with data"
                + " (expected: either data or binary_data_size, not both)");
  }

  @Test
  void rejectsEmptyName() {
    assertThat(rejected(request("", "[1]", "FP32", "[1]")))
        .hasMessage("inputs[0].name: empty (expected: a tensor name)");
  }

  @Test
  void rejectsUnknownDatatype() {
    InvalidInputException e = rejected(request("x", "[1]", "FP99", "[1]"));

    assertThat(e.field()).isEqualTo("inputs[0].datatype");
    assertThat(e.getMessage()).contains("'FP99' is not a datatype (expected: one of BOOL");
  }

  @Test
  void rejectsDatatypeThatIsNotAString() {
    assertThat(
            rejected("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":32,\"data\":[1]}]}"))
        .hasMessage("inputs[0].datatype: 32 (expected: a datatype name such as FP32)");
  }

  @Test
  void rejectsNegativeDimension() {
    assertThat(rejected(request("x", "[1, -1]", "FP32", "[1]")))
        .hasMessage("inputs[0].shape[1]: -1 (expected: an integer >= 0)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "\"1,4\"| inputs[0].shape: \"1,4\" (expected: an array of integers)",
        "[1.5]| inputs[0].shape[0]: 1.5 (expected: an integer >= 0)",
        "[\"4\"]| inputs[0].shape[0]: \"4\" (expected: an integer >= 0)",
        "[[4]]| inputs[0].shape[0]: an array (expected: an integer >= 0)",
        "[99999999999999999999]| inputs[0].shape[0]: 99999999999999999999 (expected: an integer"
            + " >= 0)",
        "[4294967296]| inputs[0].shape[0]: 4294967296 (expected: at most 2147483647)",
        "[65536, 65536]| inputs[0].shape: more than 2147483647 elements (expected: fewer)",
      })
  void rejectsBadShapes(String shape, String message) {
    assertThat(rejected(request("x", shape, "FP32", "[1]"))).hasMessage(message);
  }

  @Test
  void rejectsHugeShapeWithSmallDataWithoutAllocatingIt() {
    assertThat(rejected(request("x", "[2000000000]", "FP64", "[1, 2]")))
        .hasMessage("inputs[0].data: 2 values (expected: 2000000000 for shape [2000000000])");
  }

  @Test
  void rejectsFlatDataOfWrongLength() {
    assertThat(rejected(request("x", "[1, 4]", "FP32", "[5.1, 3.5, 1.4]")))
        .hasMessage("inputs[0].data: 3 values (expected: 4 for shape [1, 4])");
  }

  @Test
  void rejectsTooMuchFlatData() {
    assertThat(rejected(request("x", "[2]", "INT64", "[1, 2, 3]")))
        .hasMessage("inputs[0].data: 3 values (expected: 2 for shape [2])");
  }

  @Test
  void rejectsNestedDataThatDoesNotMatchTheShape() {
    assertThat(rejected(request("x", "[2, 3]", "FP32", "[[1, 2, 3], [4, 5]]")))
        .hasMessage("inputs[0].data[1]: 2 values (expected: 3 for dimension 1 of shape [2, 3])");
  }

  @Test
  void rejectsNestedDataWithTooFewRows() {
    assertThat(rejected(request("x", "[3, 2]", "FP32", "[[1, 2], [3, 4]]")))
        .hasMessage("inputs[0].data: 2 values (expected: 3 for dimension 0 of shape [3, 2])");
  }

  @Test
  void rejectsNestingDeeperThanTheShape() {
    InvalidInputException e = rejected(request("x", "[1, 2]", "FP32", "[[[1], [2]]]"));

    assertThat(e.field()).isEqualTo("inputs[0].data[0][0]");
    assertThat(e.getMessage()).contains("nesting deeper than shape [1, 2]");
  }

  @Test
  void rejectsNestedDataForRankOneShape() {
    InvalidInputException e = rejected(request("x", "[2]", "FP32", "[[1, 2]]"));

    assertThat(e.field()).isEqualTo("inputs[0].data[0]");
    assertThat(e.getMessage()).contains("nested data must match shape [2]");
  }

  @Test
  void rejectsMixedFlatAndNestedData() {
    InvalidInputException e = rejected(request("x", "[2, 2]", "FP32", "[1, [2, 3], 4]"));

    assertThat(e.field()).isEqualTo("inputs[0].data[1]");
    assertThat(e.getMessage()).contains("data must be all flat or nested like shape [2, 2]");
  }

  @Test
  void rejectsScalarWhereNestedRowExpected() {
    assertThat(rejected(request("x", "[2, 2]", "FP32", "[[1, 2], 3]")))
        .hasMessage(
            "inputs[0].data[1]: 3 (expected: an array of 2 values, nested like shape [2, 2])");
  }

  @Test
  void namesTheNestedElementThatIsBad() {
    assertThat(rejected(request("x", "[2, 2]", "UINT8", "[[1, 2], [3, 256]]")))
        .hasMessage("inputs[0].data[1][1]: 256 (expected: an integer from 0 to 255 for UINT8)");
  }

  @Test
  void namesTheElementOfDataThatCameBeforeItsDatatype() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"a\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]},"
                    + "{\"data\":[1,2,3,4,5,6,7,\"8\"],\"name\":\"b\",\"shape\":[8],"
                    + "\"datatype\":\"FP32\"}]}"))
        .hasMessage("inputs[1].data[7]: \"8\" (expected: a number for FP32)");
  }

  @Test
  void rejectsDataThatIsNotAnArray() {
    assertThat(rejected(request("x", "[1]", "FP32", "\"1.0\"")))
        .hasMessage("inputs[0].data: \"1.0\" (expected: an array of values)");
  }

  @Test
  void rejectsNullData() {
    assertThat(rejected(request("x", "[1]", "FP32", "null")))
        .hasMessage("inputs[0].data: null (expected: an array of values)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void rejectsNonFiniteTokensNamingTheElement(String token) {
    assertThat(rejected(request("x", "[3]", "FP32", "[1, 2, " + token + "]")))
        .hasMessage(
            "inputs[0].data[2]: "
                + token
                + " (expected: a finite number for FP32; JSON has no NaN or Infinity)");
  }

  @Test
  void rejectsNonFiniteParameter() {
    assertThat(
            rejected(
                "{\"parameters\": {\"w\": NaN}, "
                    + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("parameters.w: NaN (expected: a finite number; JSON has no NaN or Infinity)");
  }

  @Test
  void rejectsDuplicateInputNames() {
    assertThat(
            rejected(
                """
                {"inputs": [{"name": "x", "shape": [1], "datatype": "FP32", "data": [1]},
                            {"name": "y", "shape": [1], "datatype": "FP32", "data": [1]},
                            {"name": "x", "shape": [1], "datatype": "FP32", "data": [2]}]}
                """))
        .hasMessage(
            "inputs[2].name: 'x' is also the name of inputs[0] (expected: unique input names)");
  }

  @Test
  void rejectsDuplicateOutputNames() {
    assertThat(
            rejected(
                "{\"outputs\":[{\"name\":\"p\"},{\"name\":\"p\"}],"
                    + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage(
            "outputs[1].name: 'p' is also the name of outputs[0] (expected: unique output names)");
  }

  @Test
  void rejectsOutputWithoutName() {
    assertThat(
            rejected(
                "{\"outputs\":[{\"parameters\":{}}],"
                    + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("outputs[0].name: missing (expected: an output name)");
  }

  @Test
  void rejectsOutputNameThatIsNotAString() {
    assertThat(
            rejected(
                "{\"outputs\":[{\"name\":1}]," + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("outputs[0].name: 1 (expected: a string)");
  }

  @Test
  void rejectsUnknownTopLevelKey() {
    assertThat(rejected("{\"model\": \"iris\", " + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("model: unknown key (expected: one of id, parameters, inputs, outputs)");
  }

  @Test
  void rejectsUnknownTensorKey() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],"
                    + "\"dtype\":\"FP32\"}]}"))
        .hasMessage(
            "inputs[0].dtype: unknown key (expected: one of name, shape, datatype, parameters,"
                + " data)");
  }

  @Test
  void rejectsUnknownOutputKey() {
    assertThat(
            rejected(
                "{\"outputs\":[{\"name\":\"p\",\"binary\":true}],"
                    + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("outputs[0].binary: unknown key (expected: one of name, parameters)");
  }

  @Test
  void rejectsDuplicateKeyInTensor() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"x\",\"name\":\"y\",\"shape\":[1],\"datatype\":\"FP32\","
                    + "\"data\":[1]}]}"))
        .hasMessage("inputs[0].name: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsDuplicateTopLevelKey() {
    String inputs = request("x", "[1]", "FP32", "[1]");
    assertThat(rejected("{\"id\":\"a\",\"id\":\"b\"," + inputs.substring(1)))
        .hasMessage("id: duplicate key (expected: each key once)");
  }

  @Test
  void rejectsDuplicateParameter() {
    assertThat(
            rejected(
                "{\"parameters\":{\"t\":1,\"t\":2},"
                    + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("parameters.t: duplicate key (expected: each key once)");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"timeout\": {\"ms\": 5}}| parameters.timeout: an object (expected: a string, number or"
            + " boolean)",
        "{\"timeout\": [5]}| parameters.timeout: an array (expected: a string, number or boolean)",
        "{\"timeout\": null}| parameters.timeout: null (expected: a string, number or boolean)",
        "{\"timeout\": 99999999999999999999}| parameters.timeout: 99999999999999999999 (expected:"
            + " an integer within the 64-bit signed range)",
        "\"fast\"| parameters: \"fast\" (expected: an object of parameters)",
      })
  void rejectsBadParameterValues(String parameters, String message) {
    String body =
        "{\"parameters\": " + parameters + ", " + request("x", "[1]", "FP32", "[1]").substring(1);
    assertThat(rejected(body)).hasMessage(message);
  }

  @Test
  void rejectsBadTensorParameterWithItsPath() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],"
                    + "\"parameters\":{\"p\":[1]}}]}"))
        .hasMessage("inputs[0].parameters.p: an array (expected: a string, number or boolean)");
  }

  @Test
  void rejectsIdThatIsNotAString() {
    assertThat(rejected("{\"id\": 7, " + request("x", "[1]", "FP32", "[1]").substring(1)))
        .hasMessage("id: 7 (expected: a string)");
  }

  @Test
  void rejectsIntegerGivenAsFloatForIntegerType() {
    assertThat(rejected(request("x", "[2]", "INT64", "[1, 1.0]")))
        .hasMessage(
            "inputs[0].data[1]: 1.0 (expected: an integer from -9223372036854775808 to"
                + " 9223372036854775807 for INT64)");
  }

  @Test
  void rejectsUint8OutOfRangeAsTheSpecExampleSays() {
    assertThat(rejected(request("x", "[4]", "UINT8", "[0, 1, 2, 300]")))
        .hasMessage("inputs[0].data[3]: 300 (expected: an integer from 0 to 255 for UINT8)");
  }

  @Test
  void rejectsNestingBeyondTheParserLimitAsBadInput() {
    String deep = "[".repeat(5000) + "]".repeat(5000);
    // Data before its shape is skipped over first, so the parser's depth limit trips.
    InvalidInputException e = rejected("{\"inputs\":[{\"data\":" + deep + ",\"name\":\"x\"}]}");

    assertThat(e.field()).isEqualTo("body");
  }

  @Test
  void longClientTextIsTruncatedInMessages() {
    String longText = "x".repeat(500);
    InvalidInputException e = rejected(request("x", "[1]", "FP32", "[\"" + longText + "\"]"));

    assertThat(e.getMessage()).hasSizeLessThan(150).contains("xxx...");
  }

  @Test
  void decodesBase64BytesAndDropsTheEncodingParameter() {
    Tensor tensor =
        read("{\"inputs\":[{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"content_encoding\":\"base64\",\"keep\":1},"
                + "\"data\":[\"/wE=\",\"aGk=\"]}]}")
            .inputs()
            .get(0);

    assertThat(tensor.byteStrings()[0]).containsExactly(0xFF, 0x01);
    assertThat(tensor.byteStrings()[1]).containsExactly('h', 'i');
    assertThat(tensor.parameters()).containsExactly(Map.entry("keep", 1L));
  }

  @Test
  void rejectsBadBase64() {
    InvalidInputException e =
        rejected(
            "{\"inputs\":[{\"name\":\"b\",\"shape\":[2],\"datatype\":\"BYTES\","
                + "\"parameters\":{\"content_encoding\":\"base64\"},\"data\":[\"aGk=\",\"*\"]}]}");

    assertThat(e.field()).isEqualTo("inputs[0].data[1]");
    assertThat(e.getMessage()).contains("not base64");
  }

  @Test
  void rejectsUnknownContentEncoding() {
    assertThat(
            rejected(
                "{\"inputs\":[{\"name\":\"b\",\"shape\":[1],\"datatype\":\"BYTES\","
                    + "\"parameters\":{\"content_encoding\":\"gzip\"},\"data\":[\"x\"]}]}"))
        .hasMessage("inputs[0].parameters.content_encoding: 'gzip' (expected: base64)");
  }

  @Test
  void rejectsUnpairedSurrogateInBytes() {
    InvalidInputException e = rejected(request("b", "[1]", "BYTES", "[\"a\\ud800b\"]"));

    assertThat(e.field()).isEqualTo("inputs[0].data[0]");
    assertThat(e.getMessage()).contains("unpaired surrogate \\ud800 at character 1");
  }
}
