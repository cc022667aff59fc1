package io.mlsys.core;

import java.util.Arrays;

/**
 * The elements of a tensor in row-major order, held in one primitive array. Unsigned types use the
 * signed array of the same width (UINT8 in {@code byte[]}); FP16 and BF16 hold their raw 16-bit
 * patterns in {@code short[]}. Arrays are not copied: callers hand over ownership.
 */
public sealed interface TensorData {

  /** Number of elements. */
  int size();

  DataType.Storage storage();

  record Bools(boolean[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.BOOLEAN;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bools other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Bytes(byte[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.BYTE;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Shorts(short[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.SHORT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Shorts other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Ints(int[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.INT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Ints other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Longs(long[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.LONG;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Longs other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Floats(float[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.FLOAT;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Floats other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  record Doubles(double[] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.DOUBLE;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Doubles other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }

  /** BYTES elements: each one an arbitrary byte string (UTF-8 text when it is a string). */
  record ByteStrings(byte[][] values) implements TensorData {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public DataType.Storage storage() {
      return DataType.Storage.BYTES;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByteStrings other && Arrays.deepEquals(values, other.values);
    }

    @Override
    public int hashCode() {
      return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
      return "ByteStrings[" + values.length + "]";
    }
  }
}
