package io.mlsys.graph;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Element and row access over every tensor datatype (dim 0 is the batch). */
final class TensorRows {
  private TensorRows() {}

  /** Elements per row: the product of every dimension after the first (1 for [N] or a scalar). */
  static int rowSize(long[] shape) {
    long size = 1;
    for (int i = 1; i < shape.length; i++) {
      size *= shape[i];
    }
    return (int) size;
  }

  /** Whether the datatype is a number (every datatype but BOOL and BYTES). */
  static boolean isNumeric(DataType type) {
    return type != DataType.BOOL && type != DataType.BYTES;
  }

  /** Element {@code index} (row-major) as a double; the datatype must be numeric. */
  static double number(Tensor tensor, int index) {
    return switch (tensor.datatype()) {
      case UINT8 -> ((TensorData.Bytes) tensor.data()).values()[index] & 0xFF;
      case INT8 -> ((TensorData.Bytes) tensor.data()).values()[index];
      case UINT16 -> ((TensorData.Shorts) tensor.data()).values()[index] & 0xFFFF;
      case INT16 -> ((TensorData.Shorts) tensor.data()).values()[index];
      case FP16 -> Float.float16ToFloat(((TensorData.Shorts) tensor.data()).values()[index]);
      case BF16 -> Float.intBitsToFloat(((TensorData.Shorts) tensor.data()).values()[index] << 16);
      case UINT32 -> Integer.toUnsignedLong(tensor.ints()[index]);
      case INT32 -> tensor.ints()[index];
      case UINT64 -> unsigned(tensor.longs()[index]);
      case INT64 -> tensor.longs()[index];
      case FP32 -> tensor.floats()[index];
      case FP64 -> tensor.doubles()[index];
      case BOOL, BYTES ->
          throw new IllegalArgumentException(tensor.datatype() + " is not a numeric datatype");
    };
  }

  private static double unsigned(long value) {
    double high = (double) (value >>> 1) * 2.0;
    return high + (value & 1);
  }

  /**
   * Element {@code index} as a rule value: numbers as Double, BOOL as Boolean, BYTES as a UTF-8
   * String.
   */
  static Object element(Tensor tensor, int index) {
    return switch (tensor.datatype()) {
      case BOOL -> tensor.bools()[index];
      case BYTES -> new String(tensor.byteStrings()[index], StandardCharsets.UTF_8);
      default -> number(tensor, index);
    };
  }

  /** The tensor's array (not copied). */
  static Object array(TensorData data) {
    return switch (data) {
      case TensorData.Bools d -> d.values();
      case TensorData.Bytes d -> d.values();
      case TensorData.Shorts d -> d.values();
      case TensorData.Ints d -> d.values();
      case TensorData.Longs d -> d.values();
      case TensorData.Floats d -> d.values();
      case TensorData.Doubles d -> d.values();
      case TensorData.ByteStrings d -> d.values();
    };
  }

  /** A new zeroed array of {@code size} elements for the storage, wrapped. */
  static TensorData allocate(DataType.Storage storage, int size) {
    return switch (storage) {
      case BOOLEAN -> new TensorData.Bools(new boolean[size]);
      case BYTE -> new TensorData.Bytes(new byte[size]);
      case SHORT -> new TensorData.Shorts(new short[size]);
      case INT -> new TensorData.Ints(new int[size]);
      case LONG -> new TensorData.Longs(new long[size]);
      case FLOAT -> new TensorData.Floats(new float[size]);
      case DOUBLE -> new TensorData.Doubles(new double[size]);
      case BYTES -> new TensorData.ByteStrings(new byte[size][]);
    };
  }

  /** Copies row {@code from} of {@code source} to row {@code to} of {@code target}. */
  static void copyRow(TensorData source, int from, TensorData target, int to, int rowSize) {
    System.arraycopy(array(source), from * rowSize, array(target), to * rowSize, rowSize);
  }

  /** Whether row {@code a} of {@code left} and row {@code b} of {@code right} hold equal values. */
  static boolean rowsEqual(TensorData left, int a, TensorData right, int b, int rowSize) {
    int from = a * rowSize;
    int other = b * rowSize;
    return switch (left) {
      case TensorData.Bools d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Bools) right).values(),
              other,
              other + rowSize);
      case TensorData.Bytes d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Bytes) right).values(),
              other,
              other + rowSize);
      case TensorData.Shorts d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Shorts) right).values(),
              other,
              other + rowSize);
      case TensorData.Ints d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Ints) right).values(),
              other,
              other + rowSize);
      case TensorData.Longs d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Longs) right).values(),
              other,
              other + rowSize);
      case TensorData.Floats d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Floats) right).values(),
              other,
              other + rowSize);
      case TensorData.Doubles d ->
          Arrays.equals(
              d.values(),
              from,
              from + rowSize,
              ((TensorData.Doubles) right).values(),
              other,
              other + rowSize);
      case TensorData.ByteStrings d -> {
        byte[][] rightValues = ((TensorData.ByteStrings) right).values();
        for (int i = 0; i < rowSize; i++) {
          if (!Arrays.equals(d.values()[from + i], rightValues[other + i])) {
            yield false;
          }
        }
        yield true;
      }
    };
  }

  /** The given rows of a tensor, in that order, as a smaller batch. */
  static Tensor gather(Tensor tensor, int[] rows) {
    int rowSize = rowSize(tensor.shape());
    TensorData target = allocate(tensor.datatype().storage(), rows.length * rowSize);
    for (int i = 0; i < rows.length; i++) {
      copyRow(tensor.data(), rows[i], target, i, rowSize);
    }
    long[] shape = tensor.shape().clone();
    shape[0] = rows.length;
    return new Tensor(tensor.name(), tensor.datatype(), shape, target, tensor.parameters());
  }

  /** A BYTES [N] tensor of UTF-8 strings given as bytes (shared, not copied). */
  static Tensor strings(String name, byte[][] values) {
    return new Tensor(
        name, DataType.BYTES, new long[] {values.length}, new TensorData.ByteStrings(values));
  }
}
