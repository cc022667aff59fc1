package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mlsys.core.DataType;
import io.mlsys.core.ReducedFloats;
import io.mlsys.core.TensorData;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Collects the elements of one tensor straight from JSON tokens into the primitive array its
 * datatype uses, checking each value against the datatype. Grows when needed; callers size it from
 * the shape so that a well-formed tensor fills it exactly.
 */
final class DataBuffer {
  private static final int MIN_GROWTH = 16;
  private static final String UINT64_MAX = "18446744073709551615";

  private final DataType type;
  private boolean[] bools;
  private byte[] bytes;
  private short[] shorts;
  private int[] ints;
  private long[] longs;
  private float[] floats;
  private double[] doubles;
  private byte[][] strings;
  private int size;
  private int capacity;

  DataBuffer(DataType type, int initialCapacity) {
    this.type = type;
    allocate(Math.max(0, initialCapacity));
  }

  /** A bad element: what is wrong with it, without the path, which only the caller knows. */
  static final class BadElement extends Exception {
    BadElement(String problem) {
      super(problem, null, false, false);
    }

    String problem() {
      return getMessage();
    }
  }

  DataType type() {
    return type;
  }

  int size() {
    return size;
  }

  /** The elements of BYTES data read so far (for post-processing such as base64 decoding). */
  byte[][] byteStrings() {
    return strings;
  }

  /** Reads the parser's current token as the next element. */
  void read(JsonParser parser) throws IOException, BadElement {
    if (size == capacity) {
      grow();
    }
    switch (type) {
      case BOOL -> bools[size] = readBool(parser);
      case UINT8 -> bytes[size] = (byte) readInteger(parser, 0, 0xFF);
      case INT8 -> bytes[size] = (byte) readInteger(parser, Byte.MIN_VALUE, Byte.MAX_VALUE);
      case UINT16 -> shorts[size] = (short) readInteger(parser, 0, 0xFFFF);
      case INT16 -> shorts[size] = (short) readInteger(parser, Short.MIN_VALUE, Short.MAX_VALUE);
      case UINT32 -> ints[size] = (int) readInteger(parser, 0, 0xFFFF_FFFFL);
      case INT32 -> ints[size] = (int) readInteger(parser, Integer.MIN_VALUE, Integer.MAX_VALUE);
      case INT64 -> longs[size] = readInteger(parser, Long.MIN_VALUE, Long.MAX_VALUE);
      case UINT64 -> longs[size] = readUint64(parser);
      case FP16 -> shorts[size] = readReduced(parser, false);
      case BF16 -> shorts[size] = readReduced(parser, true);
      case FP32 -> floats[size] = readFloat(parser);
      case FP64 -> doubles[size] = readDouble(parser);
      case BYTES -> strings[size] = readBytes(parser);
    }
    size++;
  }

  /** The elements read, in an array of exactly {@link #size()} elements. */
  TensorData build() {
    boolean exact = size == capacity;
    return switch (type.storage()) {
      case BOOLEAN -> new TensorData.Bools(exact ? bools : Arrays.copyOf(bools, size));
      case BYTE -> new TensorData.Bytes(exact ? bytes : Arrays.copyOf(bytes, size));
      case SHORT -> new TensorData.Shorts(exact ? shorts : Arrays.copyOf(shorts, size));
      case INT -> new TensorData.Ints(exact ? ints : Arrays.copyOf(ints, size));
      case LONG -> new TensorData.Longs(exact ? longs : Arrays.copyOf(longs, size));
      case FLOAT -> new TensorData.Floats(exact ? floats : Arrays.copyOf(floats, size));
      case DOUBLE -> new TensorData.Doubles(exact ? doubles : Arrays.copyOf(doubles, size));
      case BYTES -> new TensorData.ByteStrings(exact ? strings : Arrays.copyOf(strings, size));
    };
  }

  private void allocate(int newCapacity) {
    switch (type.storage()) {
      case BOOLEAN ->
          bools = bools == null ? new boolean[newCapacity] : Arrays.copyOf(bools, newCapacity);
      case BYTE ->
          bytes = bytes == null ? new byte[newCapacity] : Arrays.copyOf(bytes, newCapacity);
      case SHORT ->
          shorts = shorts == null ? new short[newCapacity] : Arrays.copyOf(shorts, newCapacity);
      case INT -> ints = ints == null ? new int[newCapacity] : Arrays.copyOf(ints, newCapacity);
      case LONG ->
          longs = longs == null ? new long[newCapacity] : Arrays.copyOf(longs, newCapacity);
      case FLOAT ->
          floats = floats == null ? new float[newCapacity] : Arrays.copyOf(floats, newCapacity);
      case DOUBLE ->
          doubles = doubles == null ? new double[newCapacity] : Arrays.copyOf(doubles, newCapacity);
      case BYTES ->
          strings = strings == null ? new byte[newCapacity][] : Arrays.copyOf(strings, newCapacity);
    }
    capacity = newCapacity;
  }

  private void grow() throws BadElement {
    if (capacity >= Integer.MAX_VALUE - 8) {
      throw new BadElement("too many values (expected: at most " + capacity + ")");
    }
    long wanted = Math.max(MIN_GROWTH, (long) capacity * 2);
    allocate((int) Math.min(wanted, Integer.MAX_VALUE - 8));
  }

  private BadElement bad(JsonParser parser, String expected) throws IOException {
    return new BadElement(Json.describe(parser) + " (expected: " + expected + ")");
  }

  private boolean readBool(JsonParser parser) throws IOException, BadElement {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_TRUE) {
      return true;
    }
    if (token == JsonToken.VALUE_FALSE) {
      return false;
    }
    throw bad(parser, "true or false for BOOL");
  }

  private long readInteger(JsonParser parser, long min, long max) throws IOException, BadElement {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      long value = parser.getLongValue();
      if (value >= min && value <= max) {
        return value;
      }
    }
    throw bad(parser, "an integer from " + min + " to " + max + " for " + type);
  }

  /** UINT64 up to 2^64-1, kept as the long with the same bits. */
  private long readUint64(JsonParser parser) throws IOException, BadElement {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        BigInteger value = parser.getBigIntegerValue();
        if (value.signum() >= 0 && value.bitLength() <= Long.SIZE) {
          return value.longValue();
        }
      } else {
        long value = parser.getLongValue();
        if (value >= 0) {
          return value;
        }
      }
    }
    throw bad(parser, "an integer from 0 to " + UINT64_MAX + " for UINT64");
  }

  private void requireFiniteNumber(JsonParser parser) throws IOException, BadElement {
    JsonToken token = parser.currentToken();
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw bad(parser, "a number for " + type);
    }
    if (parser.isNaN()) {
      throw bad(parser, "a finite number for " + type + "; JSON has no NaN or Infinity");
    }
  }

  private float readFloat(JsonParser parser) throws IOException, BadElement {
    requireFiniteNumber(parser);
    float value = parser.getFloatValue();
    if (Float.isInfinite(value)) {
      throw bad(
          parser, "a number from -" + Float.MAX_VALUE + " to " + Float.MAX_VALUE + " for FP32");
    }
    return value;
  }

  private double readDouble(JsonParser parser) throws IOException, BadElement {
    requireFiniteNumber(parser);
    double value = parser.getDoubleValue();
    if (Double.isInfinite(value)) {
      throw bad(
          parser, "a number from -" + Double.MAX_VALUE + " to " + Double.MAX_VALUE + " for FP64");
    }
    return value;
  }

  private short readReduced(JsonParser parser, boolean bf16) throws IOException, BadElement {
    requireFiniteNumber(parser);
    float value = parser.getFloatValue();
    short bits = 0;
    boolean inRange = !Float.isInfinite(value);
    if (inRange) {
      bits =
          bf16
              ? ReducedFloats.decimalToBf16(value, parser.getText())
              : ReducedFloats.decimalToFp16(value, parser.getText());
      inRange =
          !Float.isInfinite(
              bf16 ? ReducedFloats.bf16ToFloat(bits) : ReducedFloats.fp16ToFloat(bits));
    }
    if (!inRange) {
      float max = bf16 ? ReducedFloats.BF16_MAX : ReducedFloats.FP16_MAX;
      throw bad(
          parser, "a number from -" + formatMax(max) + " to " + formatMax(max) + " for " + type);
    }
    return bits;
  }

  private static String formatMax(float max) {
    return max == (long) max && max < 1e7f ? Long.toString((long) max) : Float.toString(max);
  }

  private byte[] readBytes(JsonParser parser) throws IOException, BadElement {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw bad(parser, "a string for BYTES");
    }
    String text = parser.getText();
    int unpaired = unpairedSurrogate(text);
    if (unpaired >= 0) {
      throw new BadElement(
          "a string with an unpaired surrogate \\u"
              + Integer.toHexString(text.charAt(unpaired))
              + " at character "
              + unpaired
              + " (expected: valid Unicode text for BYTES, or base64 with the tensor parameter"
              + " content_encoding: base64)");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Index of the first surrogate without its partner, or -1; UTF-8 cannot hold one. */
  private static int unpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }
}
