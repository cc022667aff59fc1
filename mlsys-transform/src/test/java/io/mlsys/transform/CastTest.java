package io.mlsys.transform;

import static io.mlsys.transform.Steps.run;
import static io.mlsys.transform.Steps.shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.List;
import org.junit.jupiter.api.Test;

class CastTest {

  private static Tensor cast(Tensor input, String to) {
    return run(input.name(), List.of(input), new TransformConfig.Cast(input.name(), to, null));
  }

  @Test
  void floatsBecomeIntegersRoundedTowardZero() {
    Tensor out = cast(Tensor.ofFloats("x", shape(4), 2.9f, -1.7f, 0.5f, -0.5f), "INT32");

    assertThat(out.datatype()).isEqualTo(DataType.INT32);
    assertThat(out.ints()).containsExactly(2, -1, 0, 0);
  }

  @Test
  void anIntegerOutOfTheTargetRangeIsInvalidInputNamingItsRow() {
    Tensor input = Tensor.ofLongs("x", shape(2, 2), 1, 2, 3, 300);

    assertThatThrownBy(() -> cast(input, "UINT8"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "inputs.x: row 1: 300 (expected: a value UINT8 can hold, 0 to 255) at step [0].cast");
  }

  @Test
  void negativeValuesDoNotFitUnsignedTypes() {
    Tensor input = Tensor.ofInts("x", shape(1), -1);

    assertThatThrownBy(() -> cast(input, "UINT64"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 0: -1 (expected: a value UINT64 can hold");
  }

  @Test
  void nanDoesNotBecomeAnInteger() {
    Tensor input = Tensor.ofDoubles("x", shape(1), Double.NaN);

    assertThatThrownBy(() -> cast(input, "INT64"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 0: NaN (expected: a value INT64 can hold");
  }

  @Test
  void unsignedBytesReadAsUnsigned() {
    Tensor input =
        new Tensor("x", DataType.UINT8, shape(2), new TensorData.Bytes(new byte[] {(byte) 200, 7}));

    assertThat(cast(input, "FP32").floats()).containsExactly(200f, 7f);
  }

  @Test
  void uint64AboveTheSignedRangeKeepsItsValue() {
    Tensor input =
        new Tensor("x", DataType.UINT64, shape(1), new TensorData.Longs(new long[] {-1L}));

    assertThat(cast(input, "FP64").doubles()).containsExactly(0x1p64);
    assertThatThrownBy(() -> cast(input, "INT64"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("18446744073709551615");
  }

  @Test
  void largeFloatsBecomeUint64() {
    Tensor out = cast(Tensor.ofDoubles("x", shape(1), 0x1p63 + 2048), "UINT64");

    assertThat(Long.toUnsignedString(out.longs()[0])).isEqualTo("9223372036854777856");
  }

  @Test
  void numbersBecomeBoolsByBeingNonZero() {
    Tensor out = cast(Tensor.ofFloats("x", shape(3), 0f, -2f, 0.1f), "BOOL");

    assertThat(out.bools()).containsExactly(false, true, true);
  }

  @Test
  void boolsBecomeOneAndZero() {
    Tensor out = cast(Tensor.ofBools("x", shape(2), true, false), "INT64");

    assertThat(out.longs()).containsExactly(1, 0);
  }

  @Test
  void floatsBecomeFp16Bits() {
    Tensor out = cast(Tensor.ofFloats("x", shape(2), 1.5f, -2f), "FP16");

    assertThat(out.datatype()).isEqualTo(DataType.FP16);
    assertThat(((TensorData.Shorts) out.data()).values())
        .containsExactly((short) 0x3E00, (short) 0xC000);
  }

  @Test
  void aFiniteValueTooLargeForFp16IsInvalidInput() {
    Tensor input = Tensor.ofFloats("x", shape(1), 70000f);

    assertThatThrownBy(() -> cast(input, "FP16"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 0: 70000.0 (expected: a value FP16 can hold)");
  }

  @Test
  void bf16BitsReadBackAsFloats() {
    Tensor bf16 =
        new Tensor(
            "x",
            DataType.BF16,
            shape(2),
            new TensorData.Shorts(new short[] {0x3FC0, (short) 0xC040}));

    assertThat(cast(bf16, "FP32").floats()).containsExactly(1.5f, -3f);
  }

  @Test
  void castingToTheSameDatatypeKeepsTheData() {
    Tensor input = Tensor.ofInts("x", shape(2), 4, 5);

    assertThat(cast(input, "INT32")).isEqualTo(input);
  }

  @Test
  void bytesCannotBeCast() {
    Tensor input = Tensor.ofStrings("x", shape(1), "1");

    assertThatThrownBy(() -> cast(input, "FP32"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("inputs.x: datatype BYTES (expected: BOOL or a numeric datatype");
  }
}
