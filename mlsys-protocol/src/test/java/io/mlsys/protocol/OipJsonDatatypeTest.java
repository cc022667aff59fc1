package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.json;
import static io.mlsys.protocol.Bodies.rejection;
import static io.mlsys.protocol.Bodies.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every datatype: accepted values, range limits, and the write-then-read round trip. */
class OipJsonDatatypeTest {
  private final OipJson codec = new OipJson();

  private Tensor readOne(String datatype, String data, int count) {
    return codec
        .readInferRequest(json(request("x", "[" + count + "]", datatype, data)))
        .inputs()
        .get(0);
  }

  private InvalidInputException rejectedValue(String datatype, String value) {
    return rejection(
        () -> codec.readInferRequest(json(request("x", "[1]", datatype, "[" + value + "]"))));
  }

  @ParameterizedTest
  @CsvSource({
    "UINT8, 0, 255, -1, 256",
    "INT8, -128, 127, -129, 128",
    "UINT16, 0, 65535, -1, 65536",
    "INT16, -32768, 32767, -32769, 32768",
    "UINT32, 0, 4294967295, -1, 4294967296",
    "INT32, -2147483648, 2147483647, -2147483649, 2147483648",
    "INT64, -9223372036854775808, 9223372036854775807, -9223372036854775809,"
        + " 9223372036854775808",
    "UINT64, 0, 18446744073709551615, -1, 18446744073709551616",
  })
  void integerTypesAcceptTheirRangeAndRejectOneBeyond(
      String datatype, String min, String max, String belowMin, String aboveMax) {
    Tensor tensor = readOne(datatype, "[" + min + ", " + max + "]", 2);
    assertThat(tensor.datatype()).isEqualTo(DataType.valueOf(datatype));

    String expected = "(expected: an integer from " + min + " to " + max + " for " + datatype + ")";
    assertThat(rejectedValue(datatype, belowMin))
        .hasMessage("inputs[0].data[0]: " + belowMin + " " + expected);
    assertThat(rejectedValue(datatype, aboveMax))
        .hasMessage("inputs[0].data[0]: " + aboveMax + " " + expected);
  }

  @Test
  void unsignedValuesUseTheBitsOfTheSignedArray() {
    assertThat(((TensorData.Bytes) readOne("UINT8", "[255, 128]", 2).data()).values())
        .containsExactly((byte) -1, (byte) -128);
    assertThat(((TensorData.Shorts) readOne("UINT16", "[65535]", 1).data()).values())
        .containsExactly((short) -1);
    assertThat(readOne("UINT32", "[4294967295, 2147483648]", 2).ints())
        .containsExactly(-1, Integer.MIN_VALUE);
    assertThat(readOne("UINT64", "[18446744073709551615, 9223372036854775808]", 2).longs())
        .containsExactly(-1L, Long.MIN_VALUE);
  }

  @Test
  void boolAcceptsOnlyTrueAndFalse() {
    assertThat(readOne("BOOL", "[true, false]", 2).bools()).containsExactly(true, false);
    assertThat(rejectedValue("BOOL", "1"))
        .hasMessage("inputs[0].data[0]: 1 (expected: true or false for BOOL)");
    assertThat(rejectedValue("BOOL", "\"true\""))
        .hasMessage("inputs[0].data[0]: \"true\" (expected: true or false for BOOL)");
  }

  @Test
  void floatTypesAcceptIntegersAndDecimals() {
    assertThat(readOne("FP32", "[1, -2.5, 1e-3, 0.1]", 4).floats())
        .containsExactly(1f, -2.5f, 1e-3f, 0.1f);
    assertThat(readOne("FP64", "[1, 0.1, 1e300]", 3).doubles()).containsExactly(1.0, 0.1, 1e300);
  }

  @Test
  void fp32RejectsValuesBeyondItsRange() {
    assertThat(readOne("FP32", "[3.4028235e38, -3.4028235e38]", 2).floats())
        .containsExactly(Float.MAX_VALUE, -Float.MAX_VALUE);
    assertThat(rejectedValue("FP32", "3.5e38"))
        .hasMessage(
            "inputs[0].data[0]: 3.5e38 (expected: a number from -3.4028235E38 to 3.4028235E38"
                + " for FP32)");
  }

  @Test
  void fp64RejectsValuesBeyondItsRange() {
    assertThat(rejectedValue("FP64", "-1e309").getMessage())
        .startsWith("inputs[0].data[0]: -1e309 (expected: a number from -1.7976931348623157E308");
  }

  @Test
  void floatTypesRejectStrings() {
    assertThat(rejectedValue("FP64", "\"1.5\""))
        .hasMessage("inputs[0].data[0]: \"1.5\" (expected: a number for FP64)");
  }

  @Test
  void fp16AcceptsItsRangeRoundedToNearestEven() {
    short[] bits =
        ((TensorData.Shorts)
                readOne("FP16", "[65504, -65504, 65519, 1.00048828125, 6e-8, 1e-9, 0.1]", 7).data())
            .values();

    assertThat(bits)
        .containsExactly(
            (short) 0x7BFF, // max
            (short) 0xFBFF, // -max
            (short) 0x7BFF, // below the midpoint to overflow: rounds down to max
            (short) 0x3C00, // exact tie between 1 and 1+2^-10: to even
            (short) 0x0001, // smallest subnormal
            (short) 0x0000, // underflows to zero
            Float.floatToFloat16(0.1f));
  }

  @Test
  void fp16RoundsDecimalsCorrectlyWhereFloatWouldDoubleRound() {
    // Both decimals round to a float that lies exactly halfway between two FP16 values.
    short[] bits =
        ((TensorData.Shorts) readOne("FP16", "[1.00048828225, 65519.99999999]", 2).data()).values();

    assertThat(bits).containsExactly((short) 0x3C01, (short) 0x7BFF);
  }

  @Test
  void fp16RejectsValuesThatOverflow() {
    assertThat(rejectedValue("FP16", "65520"))
        .hasMessage("inputs[0].data[0]: 65520 (expected: a number from -65504 to 65504 for FP16)");
    assertThat(rejectedValue("FP16", "-1e5"))
        .hasMessage("inputs[0].data[0]: -1e5 (expected: a number from -65504 to 65504 for FP16)");
    assertThat(rejectedValue("FP16", "NaN").getMessage()).contains("JSON has no NaN or Infinity");
  }

  @Test
  void bf16AcceptsItsRangeRoundedToNearestEven() {
    short[] bits =
        ((TensorData.Shorts)
                readOne("BF16", "[1, 1.00390625, 1.003906251, 3.3895314e38, -2.5]", 5).data())
            .values();

    assertThat(bits)
        .containsExactly(
            (short) 0x3F80,
            (short) 0x3F80, // exact tie: to even
            (short) 0x3F81, // just above the tie
            (short) 0x7F7F, // max
            (short) 0xC020);
  }

  @Test
  void bf16RejectsValuesThatOverflow() {
    assertThat(rejectedValue("BF16", "3.4e38"))
        .hasMessage(
            "inputs[0].data[0]: 3.4e38 (expected: a number from -3.3895314E38 to 3.3895314E38"
                + " for BF16)");
  }

  @Test
  void bytesAreUtf8OfJsonStrings() {
    Tensor tensor = readOne("BYTES", "[\"héllo ✓ 😀\", \"\", \"tab\\tquote\\\"\"]", 3);

    assertThat(tensor.byteStrings()[0]).isEqualTo("héllo ✓ 😀".getBytes(StandardCharsets.UTF_8));
    assertThat(tensor.strings()).containsExactly("héllo ✓ 😀", "", "tab\tquote\"");
  }

  @Test
  void bytesRejectNonStrings() {
    assertThat(rejectedValue("BYTES", "5"))
        .hasMessage("inputs[0].data[0]: 5 (expected: a string for BYTES)");
  }

  @Test
  void datatypeNamesAreReadCaseInsensitively() {
    assertThat(readOne("fp32", "[1]", 1).datatype()).isEqualTo(DataType.FP32);
  }

  static List<Tensor> everyDatatype() {
    long[] two = {2};
    return List.of(
        Tensor.ofBools("bool", two, true, false),
        new Tensor("u8", DataType.UINT8, two, new TensorData.Bytes(new byte[] {0, (byte) 255})),
        new Tensor("i8", DataType.INT8, two, new TensorData.Bytes(new byte[] {-128, 127})),
        new Tensor(
            "u16", DataType.UINT16, two, new TensorData.Shorts(new short[] {0, (short) 65535})),
        new Tensor(
            "i16",
            DataType.INT16,
            two,
            new TensorData.Shorts(new short[] {Short.MIN_VALUE, Short.MAX_VALUE})),
        new Tensor("u32", DataType.UINT32, two, new TensorData.Ints(new int[] {0, -1})),
        Tensor.ofInts("i32", two, Integer.MIN_VALUE, Integer.MAX_VALUE),
        new Tensor(
            "u64", DataType.UINT64, two, new TensorData.Longs(new long[] {Long.MIN_VALUE, -1L})),
        Tensor.ofLongs("i64", two, Long.MIN_VALUE, Long.MAX_VALUE),
        new Tensor(
            "fp16",
            DataType.FP16,
            new long[] {4},
            new TensorData.Shorts(
                new short[] {(short) 0x7BFF, (short) 0x0001, (short) 0xBC01, (short) 0x3555})),
        new Tensor(
            "bf16",
            DataType.BF16,
            new long[] {3},
            new TensorData.Shorts(new short[] {(short) 0x7F7F, (short) 0x0001, (short) 0xBF81})),
        Tensor.ofFloats(
            "fp32", new long[] {4}, Float.MAX_VALUE, Float.MIN_VALUE, 0.1f, -0.9709316f),
        Tensor.ofDoubles("fp64", new long[] {4}, Double.MAX_VALUE, Double.MIN_VALUE, 0.1, 1.0 / 3),
        Tensor.ofStrings("text", new long[] {2, 2}, "héllo", "✓ 😀", "", "\"\\\n\u0001"),
        new Tensor(
            "raw",
            DataType.BYTES,
            new long[] {3},
            new TensorData.ByteStrings(
                new byte[][] {{(byte) 0xFF, 0}, "ok".getBytes(StandardCharsets.UTF_8), {}}),
            Map.of("kept", "yes")));
  }

  @Test
  void everyDatatypeSurvivesResponseWriteAndRead() {
    InferResponse response =
        new InferResponse("m", "3", "id-1", everyDatatype(), Map.of("p", 1L, "q", "s"));

    InferResponse back = codec.readInferResponse(codec.writeInferResponse(response));

    assertThat(back).isEqualTo(response);
  }

  @Test
  void everyDatatypeSurvivesRequestWriteAndRead() {
    io.mlsys.core.InferRequest request =
        new io.mlsys.core.InferRequest(
            "r", everyDatatype(), List.of(io.mlsys.core.RequestedOutput.named("o")), Map.of());

    assertThat(codec.readInferRequest(codec.writeInferRequest(request))).isEqualTo(request);
  }

  @Test
  void nestedTensorsSurviveAsFlatData() {
    Tensor matrix = Tensor.ofFloats("m", new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
    InferResponse response = new InferResponse("m", null, null, List.of(matrix), Map.of());

    assertThat(codec.readInferResponse(codec.writeInferResponse(response)).outputs())
        .containsExactly(matrix);
  }
}
