package io.mlsys.protocol;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Tensor data in the raw layout shared by the HTTP binary tensor data extension and gRPC's {@code
 * raw_input_contents} / {@code raw_output_contents}: little-endian, row-major, no padding; BOOL one
 * byte (0 or 1); FP16 and BF16 their 16-bit patterns; each BYTES element a 4-byte little-endian
 * unsigned length followed by that many bytes. Stateless.
 */
public final class RawTensors {
  /** Bytes of the length that precedes each BYTES element. */
  public static final int LENGTH_PREFIX = Integer.BYTES;

  private RawTensors() {}

  /** The number of bytes {@link #write} puts for {@code data}. */
  public static long byteSize(DataType datatype, TensorData data) {
    if (data instanceof TensorData.ByteStrings strings) {
      long total = 0;
      for (byte[] value : strings.values()) {
        total += LENGTH_PREFIX + value.length;
      }
      return total;
    }
    return (long) data.size() * datatype.byteSize();
  }

  /** Writes {@code data} at the position of {@code out}, a little-endian buffer, and advances. */
  public static void write(ByteBuffer out, TensorData data) {
    int start = out.position();
    switch (data) {
      case TensorData.Bools b -> {
        for (boolean value : b.values()) {
          out.put(value ? (byte) 1 : (byte) 0);
        }
      }
      case TensorData.Bytes b -> out.put(b.values());
      case TensorData.Shorts s -> {
        out.asShortBuffer().put(s.values());
        out.position(start + s.values().length * Short.BYTES);
      }
      case TensorData.Ints i -> {
        out.asIntBuffer().put(i.values());
        out.position(start + i.values().length * Integer.BYTES);
      }
      case TensorData.Longs l -> {
        out.asLongBuffer().put(l.values());
        out.position(start + l.values().length * Long.BYTES);
      }
      case TensorData.Floats f -> {
        out.asFloatBuffer().put(f.values());
        out.position(start + f.values().length * Float.BYTES);
      }
      case TensorData.Doubles d -> {
        out.asDoubleBuffer().put(d.values());
        out.position(start + d.values().length * Double.BYTES);
      }
      case TensorData.ByteStrings s -> {
        for (byte[] value : s.values()) {
          out.putInt(value.length);
          out.put(value);
        }
      }
    }
  }

  /**
   * Checks a tensor's byte count against its shape before any bytes are read, so a shape that
   * claims more than the bytes can hold never allocates.
   *
   * @param sizeField the path of the byte count (the {@code binary_data_size} parameter, or the raw
   *     contents), for messages
   */
  public static void checkSize(DataType datatype, long[] shape, long size, String sizeField) {
    long count = elementCount(shape);
    if (datatype == DataType.BYTES) {
      long minimum = count * LENGTH_PREFIX;
      if (size < minimum) {
        throw new InvalidInputException(
            sizeField,
            size
                + " (expected: at least "
                + minimum
                + ", a "
                + LENGTH_PREFIX
                + "-byte length for each of the "
                + count
                + " BYTES elements of shape "
                + Arrays.toString(shape)
                + ")");
      }
      return;
    }
    long expected = count * datatype.byteSize();
    if (size != expected) {
      throw new InvalidInputException(
          sizeField,
          size
              + " (expected: "
              + expected
              + ", "
              + count
              + " "
              + datatype
              + " values of "
              + datatype.byteSize()
              + (datatype.byteSize() == 1 ? " byte" : " bytes")
              + " for shape "
              + Arrays.toString(shape)
              + ")");
    }
  }

  /**
   * Reads the elements of one tensor from {@code size} bytes of {@code body} at {@code offset};
   * {@link #checkSize} has passed.
   *
   * @param dataField the path of the tensor's data, such as {@code inputs[0].data}, for messages
   *     about single elements
   * @param sizeField the path of its {@code binary_data_size} parameter
   */
  static TensorData read(
      DataType datatype,
      long[] shape,
      byte[] body,
      int offset,
      int size,
      String dataField,
      String sizeField) {
    return read(
        datatype,
        shape,
        ByteBuffer.wrap(body, offset, size).slice().order(ByteOrder.LITTLE_ENDIAN),
        dataField,
        sizeField);
  }

  /**
   * Reads the elements of one tensor from all the bytes of {@code in} (little-endian, position 0);
   * {@link #checkSize} has passed for {@code in.remaining()}.
   */
  public static TensorData read(
      DataType datatype, long[] shape, ByteBuffer in, String dataField, String sizeField) {
    int count = (int) elementCount(shape);
    return switch (datatype.storage()) {
      case BOOLEAN -> readBools(in, count, dataField);
      case BYTE -> {
        byte[] values = new byte[count];
        in.get(values);
        yield new TensorData.Bytes(values);
      }
      case SHORT -> {
        short[] values = new short[count];
        in.asShortBuffer().get(values);
        yield new TensorData.Shorts(values);
      }
      case INT -> {
        int[] values = new int[count];
        in.asIntBuffer().get(values);
        yield new TensorData.Ints(values);
      }
      case LONG -> {
        long[] values = new long[count];
        in.asLongBuffer().get(values);
        yield new TensorData.Longs(values);
      }
      case FLOAT -> {
        float[] values = new float[count];
        in.asFloatBuffer().get(values);
        yield new TensorData.Floats(values);
      }
      case DOUBLE -> {
        double[] values = new double[count];
        in.asDoubleBuffer().get(values);
        yield new TensorData.Doubles(values);
      }
      case BYTES -> readByteStrings(in, count, shape, dataField, sizeField);
    };
  }

  private static TensorData readBools(ByteBuffer in, int count, String dataField) {
    boolean[] values = new boolean[count];
    for (int i = 0; i < count; i++) {
      byte b = in.get(i);
      if (b != 0 && b != 1) {
        throw new InvalidInputException(
            dataField + "[" + i + "]", "byte " + (b & 0xFF) + " (expected: 0 or 1 for BOOL)");
      }
      values[i] = b == 1;
    }
    return new TensorData.Bools(values);
  }

  private static TensorData readByteStrings(
      ByteBuffer in, int count, long[] shape, String dataField, String sizeField) {
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      int at = in.position();
      if (in.remaining() < LENGTH_PREFIX) {
        throw new InvalidInputException(
            dataField + "[" + i + "]",
            "only "
                + in.remaining()
                + " bytes left at byte "
                + at
                + " of the tensor (expected: a "
                + LENGTH_PREFIX
                + "-byte little-endian length, then that many bytes)");
      }
      long length = Integer.toUnsignedLong(in.getInt());
      if (length > in.remaining()) {
        throw new InvalidInputException(
            dataField + "[" + i + "]",
            "length "
                + length
                + " at byte "
                + at
                + " of the tensor (expected: at most "
                + in.remaining()
                + ", the bytes left of the tensor)");
      }
      byte[] value = new byte[(int) length];
      in.get(value);
      values[i] = value;
    }
    if (in.hasRemaining()) {
      throw new InvalidInputException(
          sizeField,
          in.capacity()
              + " (expected: "
              + in.position()
              + ", the bytes of the "
              + count
              + " BYTES elements of shape "
              + Arrays.toString(shape)
              + ")");
    }
    return new TensorData.ByteStrings(values);
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }
}
