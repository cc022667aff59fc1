package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorTest {

  @Test
  void dataLengthMustMatchTheShape() {
    assertThatThrownBy(() -> Tensor.ofFloats("x", new long[] {2, 4}, 1f, 2f, 3f))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("x: shape [2, 4] needs 8 elements but the data has 3");
  }

  @Test
  void negativeDimensionIsRejected() {
    assertThatThrownBy(() -> Tensor.elementCount(new long[] {-1, 4}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("shape: [-1, 4] has a negative dimension (expected: >= 0)");
  }

  @Test
  void hugeShapeIsRejectedInsteadOfOverflowing() {
    assertThatThrownBy(() -> Tensor.elementCount(new long[] {1L << 20, 1L << 20}))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("too large");
  }

  @Test
  void dataKindMustMatchTheDatatype() {
    assertThatThrownBy(
            () ->
                new Tensor(
                    "x", DataType.FP64, new long[] {1}, new TensorData.Floats(new float[] {1f})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FLOAT data for datatype FP64");
  }

  @Test
  void unsignedAndHalfTypesUseTheSignedArrayOfTheirWidth() {
    Tensor bytes =
        new Tensor("u8", DataType.UINT8, new long[] {1}, new TensorData.Bytes(new byte[] {-1}));
    Tensor halves =
        new Tensor("h", DataType.FP16, new long[] {1}, new TensorData.Shorts(new short[] {0x3C00}));

    assertThat(Byte.toUnsignedInt(((TensorData.Bytes) bytes.data()).values()[0])).isEqualTo(255);
    assertThat(Float.float16ToFloat(((TensorData.Shorts) halves.data()).values()[0])).isEqualTo(1f);
  }

  @Test
  void equalityComparesContentsNotArrayIdentity() {
    Tensor a = Tensor.ofLongs("y", new long[] {2}, 1, 2);
    Tensor b = Tensor.ofLongs("y", new long[] {2}, 1, 2);
    Tensor c = Tensor.ofLongs("y", new long[] {2}, 1, 3);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b).isNotEqualTo(c);
  }

  @Test
  void stringsRoundTripAsUtf8() {
    Tensor text = Tensor.ofStrings("s", new long[] {2}, "iris", "fleur \u00e9t\u00e9 \uD83C\uDF38");

    assertThat(text.strings()).containsExactly("iris", "fleur \u00e9t\u00e9 \uD83C\uDF38");
  }

  @Test
  void batchSizeIsTheFirstDimension() {
    assertThat(Tensor.ofFloats("x", new long[] {3, 1}, 1f, 2f, 3f).batchSize()).isEqualTo(3);
    assertThat(Tensor.ofFloats("x", new long[] {}, 1f).batchSize()).isEqualTo(1);
  }

  @Test
  void parametersAcceptOnlyScalarsAndWidenNumbers() {
    Tensor tensor =
        new Tensor(
            "x",
            DataType.FP32,
            new long[] {1},
            new TensorData.Floats(new float[] {1f}),
            Map.of("n", 3, "f", 0.5f));

    assertThat(tensor.parameters()).containsEntry("n", 3L).containsEntry("f", 0.5d);
    assertThatThrownBy(
            () ->
                new Tensor(
                    "x",
                    DataType.FP32,
                    new long[] {1},
                    new TensorData.Floats(new float[] {1f}),
                    Map.of("list", java.util.List.of(1))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("parameters.list")
        .hasMessageContaining("expected: a string, boolean or number");
  }

  @Test
  void byteStringsAreWrappedNotCopied() {
    byte[] one = {1};
    byte[] two = {2, 2};

    Tensor tensor = Tensor.ofByteStrings("b", new long[] {2}, one, two);

    assertThat(tensor.datatype()).isEqualTo(DataType.BYTES);
    assertThat(tensor.byteStrings()[0]).isSameAs(one);
    assertThat(tensor.byteStrings()[1]).isSameAs(two);
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = "BYTES", mode = EnumSource.Mode.EXCLUDE)
  void doubleAtReadsEveryNumberAndBool(DataType type) {
    Tensor tensor = TestTensors.of("x", type, new long[] {2}, 0, 5);

    assertThat(tensor.doubleAt(0)).isZero();
    assertThat(tensor.doubleAt(1)).isEqualTo(type == DataType.BOOL ? 1 : 5);
  }

  @Test
  void doubleAtReadsUnsignedDatatypesAsUnsigned() {
    assertThat(TestTensors.of("x", DataType.UINT8, new long[] {1}, -1).doubleAt(0)).isEqualTo(255);
    assertThat(TestTensors.of("x", DataType.UINT16, new long[] {1}, -1).doubleAt(0))
        .isEqualTo(65535);
    assertThat(TestTensors.of("x", DataType.UINT32, new long[] {1}, -1).doubleAt(0))
        .isEqualTo(4294967295.0);
    assertThat(TestTensors.of("x", DataType.UINT64, new long[] {1}, -1).doubleAt(0))
        .isEqualTo(0x1p64);
    assertThat(TestTensors.of("x", DataType.INT8, new long[] {1}, -1).doubleAt(0)).isEqualTo(-1);
  }

  @Test
  void doubleAtDecodesHalfFloats() {
    Tensor fp16 =
        new Tensor("h", DataType.FP16, new long[] {1}, new TensorData.Shorts(new short[] {0x3E00}));
    Tensor bf16 =
        new Tensor("b", DataType.BF16, new long[] {1}, new TensorData.Shorts(new short[] {0x3FC0}));

    assertThat(fp16.doubleAt(0)).isEqualTo(1.5);
    assertThat(bf16.doubleAt(0)).isEqualTo(1.5);
  }

  @Test
  void uint64RoundsToTheNearestDouble() {
    SplittableRandom random = new SplittableRandom(7);
    long[] bits = new long[10_000];
    for (int i = 0; i < bits.length; i++) {
      // 2^63 and more, with the 11 bits a double drops at or just above half an ulp: a naive
      // halving rounds 0x401 as a tie.
      bits[i] = (Long.MIN_VALUE | random.nextLong()) & ~0x7FFL | 0x400L | random.nextInt(2);
    }
    Tensor tensor =
        new Tensor("u", DataType.UINT64, new long[] {bits.length}, new TensorData.Longs(bits));

    double[] values = tensor.toDoubleArray();

    for (int i = 0; i < bits.length; i++) {
      double exact = new BigDecimal(Long.toUnsignedString(bits[i])).doubleValue();
      assertThat(values[i]).as(Long.toUnsignedString(bits[i])).isEqualTo(exact);
      assertThat(tensor.doubleAt(i)).isEqualTo(exact);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = "BYTES", mode = EnumSource.Mode.EXCLUDE)
  void toDoubleArrayReadsEachElementAsDoubleAtDoes(DataType type) {
    Tensor tensor = TestTensors.of("x", type, new long[] {2, 2}, -3, 0, 7, 200);

    double[] values = tensor.toDoubleArray();

    assertThat(values).hasSize(4);
    for (int i = 0; i < values.length; i++) {
      assertThat(values[i]).isEqualTo(tensor.doubleAt(i));
    }
  }

  @Test
  void toDoubleArrayReturnsACopy() {
    Tensor tensor = Tensor.ofDoubles("x", new long[] {2}, 1, 2);

    tensor.toDoubleArray()[0] = 9;

    assertThat(tensor.doubles()).containsExactly(1, 2);
  }

  @Test
  void bytesAreNotNumbers() {
    Tensor text = Tensor.ofStrings("t", new long[] {1}, "a");

    assertThatThrownBy(() -> text.doubleAt(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("BYTES tensor t read as doubles");
    assertThatThrownBy(text::toDoubleArray).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(text::toLongArray).isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @EnumSource(names = {"INT8", "INT16", "INT32", "INT64"})
  void toLongArrayReadsSignedIntegersExactly(DataType type) {
    Tensor tensor = TestTensors.of("x", type, new long[] {3}, -1, 0, 100);

    assertThat(tensor.toLongArray()).containsExactly(-1, 0, 100);
  }

  @Test
  void toLongArrayReadsUnsignedIntegersUnsigned() {
    assertThat(TestTensors.of("x", DataType.UINT8, new long[] {1}, -1).toLongArray())
        .containsExactly(0xFFL);
    assertThat(TestTensors.of("x", DataType.UINT16, new long[] {1}, -1).toLongArray())
        .containsExactly(0xFFFFL);
    assertThat(TestTensors.of("x", DataType.UINT32, new long[] {1}, -1).toLongArray())
        .containsExactly(0xFFFF_FFFFL);
  }

  @Test
  void toLongArrayKeepsTheBitPatternOfUint64() {
    Tensor tensor =
        new Tensor("u", DataType.UINT64, new long[] {1}, new TensorData.Longs(new long[] {-1}));

    assertThat(tensor.toLongArray()).containsExactly(-1L);
  }

  @Test
  void toLongArrayReadsBoolsAsOneOrZero() {
    assertThat(Tensor.ofBools("b", new long[] {2}, true, false).toLongArray())
        .containsExactly(1, 0);
  }

  @Test
  void toLongArrayReturnsACopy() {
    Tensor tensor = Tensor.ofLongs("x", new long[] {2}, 1, 2);

    tensor.toLongArray()[0] = 9;

    assertThat(tensor.longs()).containsExactly(1, 2);
  }

  @ParameterizedTest
  @EnumSource(names = {"FP16", "BF16", "FP32", "FP64"})
  void toLongArrayRejectsFloatingPoint(DataType type) {
    Tensor tensor = TestTensors.of("f", type, new long[] {1}, 1);

    assertThatThrownBy(tensor::toLongArray)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(type + " tensor f read as longs");
  }
}
