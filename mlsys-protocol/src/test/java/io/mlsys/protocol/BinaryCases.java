package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.le;

import io.mlsys.core.DataType;
import io.mlsys.core.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * One tensor per datatype as raw little-endian bytes written by hand, with the data they hold. The
 * values sit at the edges (sign bits, unsigned maxima, NaN) where a wrong byte order or width
 * shows.
 */
final class BinaryCases {
  private BinaryCases() {}

  /** A datatype, its element count (shape [count]), its wire bytes and the data they hold. */
  record Case(DataType datatype, int count, byte[] raw, TensorData data) {
    @Override
    public String toString() {
      return datatype.name();
    }
  }

  /** FP16 1.5 and -2.0. */
  static final short FP16_ONE_AND_A_HALF = 0x3E00;

  static final short FP16_MINUS_TWO = (short) 0xC000;

  /** BF16 1.5 and -2.0: the upper halves of the FP32 patterns. */
  static final short BF16_ONE_AND_A_HALF = 0x3FC0;

  static final short BF16_MINUS_TWO = (short) 0xC000;

  static Stream<Case> everyDatatype() {
    byte[] notUtf8 = {(byte) 0xFF, 0};
    return Stream.of(
        new Case(
            DataType.BOOL,
            3,
            new byte[] {1, 0, 1},
            new TensorData.Bools(new boolean[] {true, false, true})),
        new Case(
            DataType.UINT8,
            2,
            new byte[] {(byte) 0xFF, (byte) 0x80},
            new TensorData.Bytes(new byte[] {-1, -128})),
        new Case(
            DataType.INT8,
            2,
            new byte[] {(byte) 0x80, 0x7F},
            new TensorData.Bytes(new byte[] {-128, 127})),
        new Case(
            DataType.UINT16,
            2,
            new byte[] {(byte) 0xFF, (byte) 0xFF, 0x01, 0x00},
            new TensorData.Shorts(new short[] {-1, 1})),
        new Case(
            DataType.INT16,
            2,
            le(4, b -> b.putShort(Short.MIN_VALUE).putShort((short) 258)),
            new TensorData.Shorts(new short[] {Short.MIN_VALUE, 258})),
        new Case(
            DataType.UINT32,
            2,
            new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01, 0x02, 0x03, 0x04},
            new TensorData.Ints(new int[] {-1, 0x04030201})),
        new Case(
            DataType.INT32,
            2,
            le(8, b -> b.putInt(Integer.MIN_VALUE).putInt(7)),
            new TensorData.Ints(new int[] {Integer.MIN_VALUE, 7})),
        new Case(
            DataType.UINT64,
            1,
            new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0x80},
            new TensorData.Longs(new long[] {0x8007060504030201L})),
        new Case(
            DataType.INT64,
            2,
            le(16, b -> b.putLong(Long.MIN_VALUE).putLong(-2)),
            new TensorData.Longs(new long[] {Long.MIN_VALUE, -2})),
        new Case(
            DataType.FP16,
            2,
            new byte[] {0x00, 0x3E, 0x00, (byte) 0xC0},
            new TensorData.Shorts(new short[] {FP16_ONE_AND_A_HALF, FP16_MINUS_TWO})),
        new Case(
            DataType.BF16,
            2,
            new byte[] {(byte) 0xC0, 0x3F, 0x00, (byte) 0xC0},
            new TensorData.Shorts(new short[] {BF16_ONE_AND_A_HALF, BF16_MINUS_TWO})),
        new Case(
            DataType.FP32,
            3,
            le(12, b -> b.putFloat(1.5f).putFloat(Float.NaN).putFloat(-0.0f)),
            new TensorData.Floats(new float[] {1.5f, Float.NaN, -0.0f})),
        new Case(
            DataType.FP64,
            2,
            le(16, b -> b.putDouble(Math.PI).putDouble(Double.NEGATIVE_INFINITY)),
            new TensorData.Doubles(new double[] {Math.PI, Double.NEGATIVE_INFINITY})),
        new Case(
            DataType.BYTES,
            3,
            le(
                4 + 2 + 4 + 2 + 4,
                b -> b.putInt(2).put(new byte[] {'a', 'b'}).putInt(2).put(notUtf8).putInt(0)),
            new TensorData.ByteStrings(
                new byte[][] {"ab".getBytes(StandardCharsets.UTF_8), notUtf8, new byte[0]})));
  }
}
