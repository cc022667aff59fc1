package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
