package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.util.function.BiConsumer;

/**
 * Reading numeric tensors of any datatype as float or double arrays (always fresh copies: tensor
 * arrays are shared), and the 16-bit float conversions.
 */
final class Numbers {
  static final String NUMERIC = "a numeric datatype: INT*, UINT*, FP16, BF16, FP32 or FP64";

  /** 2^63 and 2^64 as doubles, the bounds of the 64-bit integer types. */
  static final double TWO_63 = 0x1p63;

  static final double TWO_64 = 0x1p64;

  private Numbers() {}

  static boolean isNumeric(DataType type) {
    return switch (type) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16 -> true;
      case BOOL, BYTES -> false;
    };
  }

  static boolean isIntegral(DataType type) {
    return switch (type) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> true;
      case BOOL, FP16, FP32, FP64, BF16, BYTES -> false;
    };
  }

  static void requireNumeric(Tensor tensor, StepPath step) {
    if (!isNumeric(tensor.datatype())) {
      throw step.invalid(
          tensor.name(), "datatype " + tensor.datatype() + " (expected: " + NUMERIC + ")");
    }
  }

  /** Whether the spec is numeric; reports it at {@code path} when not. */
  static boolean checkNumeric(TensorSpec spec, String path, BiConsumer<String, String> violations) {
    if (isNumeric(spec.datatype())) {
      return true;
    }
    violations.accept(
        path, "'" + spec.name() + "' is " + spec.datatype() + " (expected: " + NUMERIC + ")");
    return false;
  }

  /** The datatype of a float result: FP64 stays FP64, everything else is FP32. */
  static DataType floatResult(DataType input) {
    return input == DataType.FP64 ? DataType.FP64 : DataType.FP32;
  }

  /** The elements of a numeric (or BOOL) tensor as doubles (UINT64 read as unsigned). */
  static double[] doubles(Tensor tensor) {
    TensorData data = tensor.data();
    DataType type = tensor.datatype();
    int n = data.size();
    double[] out = new double[n];
    switch (data) {
      case TensorData.Bools b -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.values()[i] ? 1 : 0;
        }
      }
      case TensorData.Bytes b -> {
        boolean unsigned = type == DataType.UINT8;
        for (int i = 0; i < n; i++) {
          byte v = b.values()[i];
          out[i] = unsigned ? v & 0xFF : v;
        }
      }
      case TensorData.Shorts s -> {
        for (int i = 0; i < n; i++) {
          short v = s.values()[i];
          if (type == DataType.FP16) {
            out[i] = Float.float16ToFloat(v);
          } else if (type == DataType.BF16) {
            out[i] = bf16ToFloat(v);
          } else {
            out[i] = type == DataType.UINT16 ? v & 0xFFFF : v;
          }
        }
      }
      case TensorData.Ints ints -> {
        boolean unsigned = type == DataType.UINT32;
        for (int i = 0; i < n; i++) {
          int v = ints.values()[i];
          out[i] = unsigned ? Integer.toUnsignedLong(v) : v;
        }
      }
      case TensorData.Longs longs -> {
        boolean unsigned = type == DataType.UINT64;
        for (int i = 0; i < n; i++) {
          long v = longs.values()[i];
          out[i] = unsigned ? unsignedToDouble(v) : v;
        }
      }
      case TensorData.Floats f -> {
        for (int i = 0; i < n; i++) {
          out[i] = f.values()[i];
        }
      }
      case TensorData.Doubles d -> System.arraycopy(d.values(), 0, out, 0, n);
      case TensorData.ByteStrings ignored ->
          throw new IllegalStateException("BYTES tensor " + tensor.name() + " read as numbers");
    }
    return out;
  }

  /**
   * The elements of an integral (or BOOL) tensor as longs, exactly. UINT64 elements keep their bit
   * pattern: values of 2^63 and more are negative.
   */
  static long[] longs(Tensor tensor) {
    TensorData data = tensor.data();
    DataType type = tensor.datatype();
    int n = data.size();
    long[] out = new long[n];
    switch (data) {
      case TensorData.Bools b -> {
        for (int i = 0; i < n; i++) {
          out[i] = b.values()[i] ? 1 : 0;
        }
      }
      case TensorData.Bytes b -> {
        boolean unsigned = type == DataType.UINT8;
        for (int i = 0; i < n; i++) {
          byte v = b.values()[i];
          out[i] = unsigned ? v & 0xFF : v;
        }
      }
      case TensorData.Shorts s -> {
        boolean unsigned = type == DataType.UINT16;
        for (int i = 0; i < n; i++) {
          short v = s.values()[i];
          out[i] = unsigned ? v & 0xFFFF : v;
        }
      }
      case TensorData.Ints ints -> {
        boolean unsigned = type == DataType.UINT32;
        for (int i = 0; i < n; i++) {
          int v = ints.values()[i];
          out[i] = unsigned ? Integer.toUnsignedLong(v) : v;
        }
      }
      case TensorData.Longs longs -> System.arraycopy(longs.values(), 0, out, 0, n);
      case TensorData.Floats ignored -> throw notIntegral(tensor);
      case TensorData.Doubles ignored -> throw notIntegral(tensor);
      case TensorData.ByteStrings ignored -> throw notIntegral(tensor);
    }
    return out;
  }

  private static IllegalStateException notIntegral(Tensor tensor) {
    return new IllegalStateException(
        tensor.datatype() + " tensor " + tensor.name() + " read as integers");
  }

  static double unsignedToDouble(long bits) {
    if (bits >= 0) {
      return bits;
    }
    // Halve (keeping the lowest bit for rounding), convert, double.
    return ((bits >>> 1) | (bits & 1)) * 2.0;
  }

  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** Rounds a float to BF16 bits, to nearest even; NaN stays NaN. */
  static short floatToBf16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int lowestKept = (bits >>> 16) & 1;
    return (short) ((bits + 0x7FFF + lowestKept) >>> 16);
  }

  /** A float result tensor: FP32, or FP64 when {@code type} is FP64. */
  static TensorData floatData(DataType type, double[] values) {
    if (type == DataType.FP64) {
      return new TensorData.Doubles(values);
    }
    float[] floats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      floats[i] = (float) values[i];
    }
    return new TensorData.Floats(floats);
  }
}
