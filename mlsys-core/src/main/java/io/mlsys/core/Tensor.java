package io.mlsys.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A named, typed, shaped tensor of the Open Inference Protocol. The data's array kind must match
 * the datatype and its length must equal the product of the shape; both are checked here so every
 * tensor in the system is well formed.
 *
 * @param name tensor name as in the model signature
 * @param datatype OIP datatype
 * @param shape dimensions, all {@code >= 0}
 * @param data elements in row-major order
 * @param parameters OIP tensor parameters (values are String, Boolean, Long or Double)
 */
public record Tensor(
    String name, DataType datatype, long[] shape, TensorData data, Map<String, Object> parameters) {

  public Tensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    parameters = Parameters.copyOf(parameters, "parameters");
    if (data.storage() != datatype.storage()) {
      throw new IllegalArgumentException(
          "tensor " + name + ": " + data.storage() + " data for datatype " + datatype);
    }
    long expected = elementCount(shape);
    if (expected != data.size()) {
      throw new InvalidInputException(
          name,
          "shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " elements but the data has "
              + data.size());
    }
  }

  public Tensor(String name, DataType datatype, long[] shape, TensorData data) {
    this(name, datatype, shape, data, Map.of());
  }

  public static Tensor ofFloats(String name, long[] shape, float... values) {
    return new Tensor(name, DataType.FP32, shape, new TensorData.Floats(values));
  }

  public static Tensor ofDoubles(String name, long[] shape, double... values) {
    return new Tensor(name, DataType.FP64, shape, new TensorData.Doubles(values));
  }

  public static Tensor ofLongs(String name, long[] shape, long... values) {
    return new Tensor(name, DataType.INT64, shape, new TensorData.Longs(values));
  }

  public static Tensor ofInts(String name, long[] shape, int... values) {
    return new Tensor(name, DataType.INT32, shape, new TensorData.Ints(values));
  }

  public static Tensor ofBools(String name, long[] shape, boolean... values) {
    return new Tensor(name, DataType.BOOL, shape, new TensorData.Bools(values));
  }

  public static Tensor ofStrings(String name, long[] shape, String... values) {
    byte[][] bytes = new byte[values.length][];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = values[i].getBytes(StandardCharsets.UTF_8);
    }
    return new Tensor(name, DataType.BYTES, shape, new TensorData.ByteStrings(bytes));
  }

  /** A BYTES tensor over the given byte strings (not copied). */
  public static Tensor ofByteStrings(String name, long[] shape, byte[]... values) {
    return new Tensor(name, DataType.BYTES, shape, new TensorData.ByteStrings(values));
  }

  /**
   * The product of the dimensions.
   *
   * @throws InvalidInputException when a dimension is negative or the product overflows an int
   */
  public static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new InvalidInputException(
            "shape", Arrays.toString(shape) + " has a negative dimension (expected: >= 0)");
      }
      count = Math.multiplyExact(count, dim);
      if (count > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            "shape", Arrays.toString(shape) + " is too large (expected: < 2^31 elements)");
      }
    }
    return count;
  }

  /** The first dimension (the batch size of a batched tensor), or 1 for a scalar. */
  public long batchSize() {
    return shape.length == 0 ? 1 : shape[0];
  }

  public Tensor withName(String newName) {
    return new Tensor(newName, datatype, shape, data, parameters);
  }

  public float[] floats() {
    return ((TensorData.Floats) data).values();
  }

  public double[] doubles() {
    return ((TensorData.Doubles) data).values();
  }

  public long[] longs() {
    return ((TensorData.Longs) data).values();
  }

  public int[] ints() {
    return ((TensorData.Ints) data).values();
  }

  public boolean[] bools() {
    return ((TensorData.Bools) data).values();
  }

  public byte[][] byteStrings() {
    return ((TensorData.ByteStrings) data).values();
  }

  /**
   * Element {@code index} (row-major) as a double: unsigned integers read unsigned, FP16 and BF16
   * decoded, BOOL as 1 or 0.
   *
   * @throws IllegalStateException when the datatype is BYTES
   */
  public double doubleAt(int index) {
    return switch (data) {
      case TensorData.Bools d -> d.values()[index] ? 1 : 0;
      case TensorData.Bytes d ->
          datatype == DataType.UINT8 ? d.values()[index] & 0xFF : d.values()[index];
      case TensorData.Shorts d -> shortToDouble(d.values()[index]);
      case TensorData.Ints d ->
          datatype == DataType.UINT32
              ? Integer.toUnsignedLong(d.values()[index])
              : d.values()[index];
      case TensorData.Longs d ->
          datatype == DataType.UINT64 ? unsignedToDouble(d.values()[index]) : d.values()[index];
      case TensorData.Floats d -> d.values()[index];
      case TensorData.Doubles d -> d.values()[index];
      case TensorData.ByteStrings ignored -> throw notNumbers("doubles");
    };
  }

  private double shortToDouble(short bits) {
    return switch (datatype) {
      case FP16 -> ReducedFloats.fp16ToFloat(bits);
      case BF16 -> ReducedFloats.bf16ToFloat(bits);
      case UINT16 -> bits & 0xFFFF;
      default -> bits;
    };
  }

  /**
   * Every element as a double, in a new array, read as {@link #doubleAt} reads one.
   *
   * @throws IllegalStateException when the datatype is BYTES
   */
  public double[] toDoubleArray() {
    int n = data.size();
    double[] out = new double[n];
    switch (data) {
      case TensorData.Bools d -> {
        boolean[] values = d.values();
        for (int i = 0; i < n; i++) {
          out[i] = values[i] ? 1 : 0;
        }
      }
      case TensorData.Bytes d -> {
        byte[] values = d.values();
        int mask = datatype == DataType.UINT8 ? 0xFF : -1;
        for (int i = 0; i < n; i++) {
          out[i] = values[i] & mask;
        }
      }
      case TensorData.Shorts d -> {
        short[] values = d.values();
        for (int i = 0; i < n; i++) {
          out[i] = shortToDouble(values[i]);
        }
      }
      case TensorData.Ints d -> {
        int[] values = d.values();
        long mask = datatype == DataType.UINT32 ? 0xFFFF_FFFFL : -1L;
        for (int i = 0; i < n; i++) {
          out[i] = values[i] & mask;
        }
      }
      case TensorData.Longs d -> {
        long[] values = d.values();
        boolean unsigned = datatype == DataType.UINT64;
        for (int i = 0; i < n; i++) {
          out[i] = unsigned ? unsignedToDouble(values[i]) : values[i];
        }
      }
      case TensorData.Floats d -> {
        float[] values = d.values();
        for (int i = 0; i < n; i++) {
          out[i] = values[i];
        }
      }
      case TensorData.Doubles d -> System.arraycopy(d.values(), 0, out, 0, n);
      case TensorData.ByteStrings ignored -> throw notNumbers("doubles");
    }
    return out;
  }

  /**
   * Every element of an integer or BOOL tensor as a long, exactly, in a new array. UINT64 elements
   * keep their bit pattern: values of 2^63 and more are negative.
   *
   * @throws IllegalStateException when the datatype is a floating-point one or BYTES
   */
  public long[] toLongArray() {
    int n = data.size();
    long[] out = new long[n];
    switch (data) {
      case TensorData.Bools d -> {
        boolean[] values = d.values();
        for (int i = 0; i < n; i++) {
          out[i] = values[i] ? 1 : 0;
        }
      }
      case TensorData.Bytes d -> {
        byte[] values = d.values();
        long mask = datatype == DataType.UINT8 ? 0xFFL : -1L;
        for (int i = 0; i < n; i++) {
          out[i] = values[i] & mask;
        }
      }
      case TensorData.Shorts d -> {
        if (!datatype.isIntegral()) {
          throw notNumbers("longs");
        }
        short[] values = d.values();
        long mask = datatype == DataType.UINT16 ? 0xFFFFL : -1L;
        for (int i = 0; i < n; i++) {
          out[i] = values[i] & mask;
        }
      }
      case TensorData.Ints d -> {
        int[] values = d.values();
        long mask = datatype == DataType.UINT32 ? 0xFFFF_FFFFL : -1L;
        for (int i = 0; i < n; i++) {
          out[i] = values[i] & mask;
        }
      }
      case TensorData.Longs d -> System.arraycopy(d.values(), 0, out, 0, n);
      case TensorData.Floats ignored -> throw notNumbers("longs");
      case TensorData.Doubles ignored -> throw notNumbers("longs");
      case TensorData.ByteStrings ignored -> throw notNumbers("longs");
    }
    return out;
  }

  private IllegalStateException notNumbers(String kind) {
    return new IllegalStateException(datatype + " tensor " + name + " read as " + kind);
  }

  /** The unsigned value of a UINT64 bit pattern, rounded to the nearest double. */
  private static double unsignedToDouble(long bits) {
    if (bits >= 0) {
      return bits;
    }
    // Halve keeping the lowest bit as a sticky bit, so the one rounding to double stays correct.
    return ((bits >>> 1) | (bits & 1)) * 2.0;
  }

  /** BYTES elements decoded as UTF-8. */
  public String[] strings() {
    byte[][] values = byteStrings();
    String[] strings = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      strings[i] = new String(values[i], StandardCharsets.UTF_8);
    }
    return strings;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor other
        && name.equals(other.name)
        && datatype == other.datatype
        && Arrays.equals(shape, other.shape)
        && data.equals(other.data)
        && parameters.equals(other.parameters);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, datatype, Arrays.hashCode(shape), data, parameters);
  }

  @Override
  public String toString() {
    return "Tensor[" + name + ", " + datatype + ", " + Arrays.toString(shape) + "]";
  }
}
