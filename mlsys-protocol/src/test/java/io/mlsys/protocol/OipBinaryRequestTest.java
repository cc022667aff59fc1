package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.concat;
import static io.mlsys.protocol.Bodies.json;
import static io.mlsys.protocol.Bodies.le;
import static io.mlsys.protocol.Bodies.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reading requests of the binary tensor data extension: bodies built by hand, byte by byte. */
class OipBinaryRequestTest {
  private final OipBinary codec = OipBinary.create();

  /** A request whose one input {@code x} has binary data of {@code size} bytes. */
  private static String oneBinaryInput(String datatype, String shape, long size) {
    return "{\"inputs\":[{\"name\":\"x\",\"shape\":"
        + shape
        + ",\"datatype\":\""
        + datatype
        + "\",\"parameters\":{\"binary_data_size\":"
        + size
        + "}}]}";
  }

  private InferRequest read(String json, byte[]... binary) {
    return codec.readInferRequest(concat(json, binary), json(json).length);
  }

  private InvalidInputException rejected(String json, byte[]... binary) {
    return rejection(() -> read(json, binary));
  }

  @ParameterizedTest
  @MethodSource("io.mlsys.protocol.BinaryCases#everyDatatype")
  void readsEveryDatatypeFromLittleEndianBytes(BinaryCases.Case c) {
    InferRequest request =
        read(oneBinaryInput(c.datatype().name(), "[" + c.count() + "]", c.raw().length), c.raw());

    Tensor x = request.inputs().get(0);
    assertThat(x.datatype()).isEqualTo(c.datatype());
    assertThat(x.shape()).containsExactly(c.count());
    assertThat(x.data()).isEqualTo(c.data());
  }

  @Test
  void readsRowMajorDataOfAMatrix() {
    byte[] raw =
        le(24, b -> b.putFloat(1).putFloat(2).putFloat(3).putFloat(4).putFloat(5).putFloat(6));

    Tensor x = read(oneBinaryInput("FP32", "[2,3]", 24), raw).inputs().get(0);

    assertThat(x.shape()).containsExactly(2, 3);
    assertThat(x.floats()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void dropsTheWireParameterAndKeepsTheOthers() {
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"parameters\":{\"unit\":\"cm\",\"binary_data_size\":4}}]}";

    Tensor x = read(json, le(4, b -> b.putInt(9))).inputs().get(0);

    assertThat(x.parameters()).containsExactly(Map.entry("unit", "cm"));
    assertThat(x.ints()).containsExactly(9);
  }

  @Test
  void takesBinaryDataInTheOrderOfTheInputsAndMixesWithJsonData() {
    String json =
        """
        {"id": "r1",
         "inputs": [
          {"name": "a", "shape": [2], "datatype": "INT16", "parameters": {"binary_data_size": 4}},
          {"name": "j", "shape": [2], "datatype": "FP32", "data": [0.5, 1.5]},
          {"name": "b", "shape": [1], "datatype": "FP64", "parameters": {"binary_data_size": 8}},
          {"datatype": "BOOL", "data": [true], "name": "k", "shape": [1]}],
         "outputs": [{"name": "y", "parameters": {"binary_data": true}}]}
        """;

    InferRequest request =
        read(
            json,
            le(4, b -> b.putShort((short) -3).putShort((short) 4)),
            le(8, b -> b.putDouble(2.25)));

    assertThat(request.id()).isEqualTo("r1");
    assertThat(request.inputs())
        .containsExactly(
            new Tensor(
                "a", DataType.INT16, new long[] {2}, new TensorData.Shorts(new short[] {-3, 4})),
            Tensor.ofFloats("j", new long[] {2}, 0.5f, 1.5f),
            Tensor.ofDoubles("b", new long[] {1}, 2.25),
            Tensor.ofBools("k", new long[] {1}, true));
    assertThat(request.outputs())
        .containsExactly(new RequestedOutput("y", Map.of("binary_data", true)));
  }

  @Test
  void readsABodyThatIsAllJsonWhenTheLengthCoversIt() {
    String json = Bodies.request("x", "[1]", "INT64", "[5]");

    assertThat(read(json).inputs().get(0).longs()).containsExactly(5);
  }

  @Test
  void readsAnEmptyTensorWithZeroBytes() {
    Tensor x = read(oneBinaryInput("FP32", "[0,3]", 0)).inputs().get(0);

    assertThat(x.floats()).isEmpty();
  }

  @Test
  void rejectsNegativeJsonLength() {
    byte[] body = json(oneBinaryInput("INT32", "[1]", 4));

    assertThat(rejection(() -> codec.readInferRequest(body, -1)))
        .hasMessage(
            "Inference-Header-Content-Length: -1 (expected: the byte length of the JSON header,"
                + " >= 0)");
  }

  @Test
  void rejectsJsonLengthBeyondTheBody() {
    byte[] body = json(Bodies.request("x", "[1]", "INT64", "[5]"));

    InvalidInputException e = rejection(() -> codec.readInferRequest(body, body.length + 1));

    assertThat(e.field()).isEqualTo("Inference-Header-Content-Length");
    assertThat(e)
        .hasMessage(
            "Inference-Header-Content-Length: "
                + (body.length + 1)
                + " (expected: at most "
                + body.length
                + ", the length of the body)");
  }

  @Test
  void rejectsJsonLengthThatCutsTheJson() {
    String json = oneBinaryInput("INT32", "[1]", 4);
    byte[] body = concat(json, le(4, b -> b.putInt(1)));

    InvalidInputException e = rejection(() -> codec.readInferRequest(body, json.length() - 2));

    assertThat(e.field()).isEqualTo("body");
    assertThat(e.getMessage()).startsWith("body: malformed JSON");
  }

  @Test
  void rejectsAMissingBody() {
    assertThat(rejection(() -> codec.readInferRequest(null, 0)))
        .hasMessage("body: missing (expected: a JSON header and binary data)");
  }

  @Test
  void rejectsSizeThatDoesNotMatchTheShape() {
    assertThat(rejected(oneBinaryInput("FP32", "[2,2]", 12), new byte[12]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 12 (expected: 16, 4 FP32 values of 4 bytes"
                + " for shape [2, 2])");
  }

  @Test
  void rejectsSizeThatDoesNotMatchTheShapeForOneByteTypes() {
    assertThat(rejected(oneBinaryInput("BOOL", "[3]", 2), new byte[2]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 2 (expected: 3, 3 BOOL values of 1 byte"
                + " for shape [3])");
  }

  @Test
  void rejectsSizeBeyondTheBytesLeft() {
    assertThat(rejected(oneBinaryInput("INT64", "[2]", 16), new byte[12]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 16 (expected: at most 12, the bytes left in"
                + " the body after the JSON header)");
  }

  @Test
  void rejectsALaterInputThatWantsMoreThanIsLeft() {
    String json =
        "{\"inputs\":["
            + "{\"name\":\"a\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"parameters\":{\"binary_data_size\":4}},"
            + "{\"name\":\"b\",\"shape\":[2],\"datatype\":\"INT32\","
            + "\"parameters\":{\"binary_data_size\":8}}]}";

    assertThat(rejected(json, new byte[10]))
        .hasMessage(
            "inputs[1].parameters.binary_data_size: 8 (expected: at most 6, the bytes left in"
                + " the body after the JSON header and the binary data before this tensor)");
  }

  @Test
  void rejectsBytesLeftOverAfterTheBinaryInputs() {
    assertThat(rejected(oneBinaryInput("INT32", "[1]", 4), new byte[7]))
        .hasMessage(
            "body: 3 bytes after the binary data of the inputs (expected: the body to end after"
                + " the 4 bytes their binary_data_size add up to)");
  }

  @Test
  void rejectsBinaryBytesWhenNoInputIsBinary() {
    String json = Bodies.request("x", "[1]", "INT64", "[5]");

    assertThat(rejected(json, new byte[2]))
        .hasMessage(
            "body: 2 bytes after the binary data of the inputs (expected: the body to end after"
                + " the 0 bytes their binary_data_size add up to)");
  }

  @Test
  void rejectsBinaryDataSizeBesideData() {
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"data\":[1],\"parameters\":{\"binary_data_size\":4}}]}";

    assertThat(rejected(json, new byte[4]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 4 given with data (expected: either data or"
                + " binary_data_size, not both)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-4", "4.0", "\"4\"", "true"})
  void rejectsSizeThatIsNotANonNegativeInteger(String size) {
    String json =
        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"parameters\":{\"binary_data_size\":"
            + size
            + "}}]}";

    InvalidInputException e = rejected(json, new byte[4]);

    assertThat(e.field()).isEqualTo("inputs[0].parameters.binary_data_size");
    assertThat(e.getMessage())
        .endsWith("(expected: an integer >= 0, the byte size of the binary data)");
  }

  @Test
  void rejectsBoolBytesOtherThanZeroAndOne() {
    assertThat(rejected(oneBinaryInput("BOOL", "[3]", 3), new byte[] {1, 0, 2}))
        .hasMessage("inputs[0].data[2]: byte 2 (expected: 0 or 1 for BOOL)");
  }

  @Test
  void rejectsABytesElementLengthThatOverrunsTheTensor() {
    byte[] raw = le(13, b -> b.putInt(1).put((byte) 'a').putInt(100).put(new byte[4]));

    assertThat(rejected(oneBinaryInput("BYTES", "[2]", 13), raw))
        .hasMessage(
            "inputs[0].data[1]: length 100 at byte 5 of the tensor (expected: at most 4, the"
                + " bytes left of the tensor)");
  }

  @Test
  void readsABytesLengthAsUnsigned() {
    byte[] raw = le(9, b -> b.putInt(-1).put(new byte[5]));

    assertThat(rejected(oneBinaryInput("BYTES", "[1]", 9), raw))
        .hasMessage(
            "inputs[0].data[0]: length 4294967295 at byte 0 of the tensor (expected: at most 5,"
                + " the bytes left of the tensor)");
  }

  @Test
  void doesNotLetALaterInputsBytesCompleteABytesElement() {
    // The first tensor's element claims 4 bytes but its size leaves 2; the next tensor's bytes
    // must not be taken for the rest.
    String json =
        "{\"inputs\":["
            + "{\"name\":\"s\",\"shape\":[1],\"datatype\":\"BYTES\","
            + "\"parameters\":{\"binary_data_size\":6}},"
            + "{\"name\":\"n\",\"shape\":[1],\"datatype\":\"INT32\","
            + "\"parameters\":{\"binary_data_size\":4}}]}";
    byte[] raw = le(10, b -> b.putInt(4).put(new byte[] {'a', 'b'}).putInt(7));

    assertThat(rejected(json, raw))
        .hasMessage(
            "inputs[0].data[0]: length 4 at byte 0 of the tensor (expected: at most 2, the bytes"
                + " left of the tensor)");
  }

  @Test
  void rejectsABytesTensorTooShortForItsLengths() {
    assertThat(rejected(oneBinaryInput("BYTES", "[3]", 8), new byte[8]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 8 (expected: at least 12, a 4-byte length for"
                + " each of the 3 BYTES elements of shape [3])");
  }

  @Test
  void rejectsABytesTensorWhoseSizeIsLargerThanItsElements() {
    byte[] raw = le(7, b -> b.putInt(2).put(new byte[] {'a', 'b', 'c'}));

    assertThat(rejected(oneBinaryInput("BYTES", "[1]", 7), raw))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 7 (expected: 6, the bytes of the 1 BYTES"
                + " elements of shape [1])");
  }

  @Test
  void rejectsAHugeShapeWithoutAllocatingIt() {
    assertThat(rejected(oneBinaryInput("FP64", "[100000,10000]", 8), new byte[8]))
        .hasMessage(
            "inputs[0].parameters.binary_data_size: 8 (expected: 8000000000, 1000000000 FP64"
                + " values of 8 bytes for shape [100000, 10000])");
  }

  @Test
  void parsesTheHeaderValue() {
    assertThat(OipBinary.parseJsonLength("120")).isEqualTo(120);
    assertThat(OipBinary.parseJsonLength(" 0 ")).isZero();
  }

  @Test
  void rejectsAMissingHeader() {
    assertThat(rejection(() -> OipBinary.parseJsonLength(null)))
        .hasMessage(
            "Inference-Header-Content-Length: missing (expected: the byte length of the JSON"
                + " header)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "+1", "", "12a", "2147483648", "99999999999"})
  void rejectsAHeaderValueThatIsNotALength(String value) {
    assertThat(rejection(() -> OipBinary.parseJsonLength(value)))
        .hasMessage(
            "Inference-Header-Content-Length: '"
                + value
                + "' (expected: the byte length of the JSON header, an integer from 0 to"
                + " 2147483647)");
  }
}
