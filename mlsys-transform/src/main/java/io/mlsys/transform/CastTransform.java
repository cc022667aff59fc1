package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.ReducedFloats;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code cast: {tensor: x, to: FP32}} between numeric datatypes and BOOL. Floats become integers by
 * rounding toward zero; a value the target cannot hold (out of range, NaN or infinite for an
 * integer, finite but too large for FP16, BF16 or FP32) is an invalid input naming its row. BOOL is
 * 1 or 0 one way and {@code v != 0} the other.
 */
final class CastTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final DataType to;
  private final String output;

  CastTransform(StepPath step, String tensor, DataType to, String output) {
    this.step = step;
    this.tensor = tensor;
    this.to = to;
    this.output = output;
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    DataType from = input.datatype();
    if (from == DataType.BYTES) {
      throw step.invalid(tensor, "datatype BYTES (expected: BOOL or " + Numbers.NUMERIC + ")");
    }
    TensorData data;
    if (from == to) {
      data = input.data();
    } else if ((from.isIntegral() || from == DataType.BOOL) && to.isIntegral()) {
      // Integers to integers exactly: doubles would round values beyond 2^53.
      data = fromLongs(input, input.toLongArray(), from == DataType.UINT64);
    } else {
      data = fromDoubles(input, input.toDoubleArray());
    }
    Tensor result = new Tensor(output, to, input.shape(), data, input.parameters());
    return Tensors.put(tensors, Tensor::name, result);
  }

  private TensorData fromLongs(Tensor input, long[] values, boolean unsignedSource) {
    long[] checked = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      long v = values[i];
      // A UINT64 with the sign bit set is 2^63 or more: only UINT64 holds it.
      boolean huge = unsignedSource && v < 0;
      boolean fits =
          to == DataType.UINT64 ? huge || v >= 0 : !huge && v >= minimum(to) && v <= maximum(to);
      if (!fits) {
        throw outOfRange(input, i, unsignedSource ? Long.toUnsignedString(v) : Long.toString(v));
      }
      checked[i] = v;
    }
    return integers(checked);
  }

  private TensorData fromDoubles(Tensor input, double[] values) {
    int n = values.length;
    return switch (to) {
      case BOOL -> {
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
          out[i] = values[i] != 0;
        }
        yield new TensorData.Bools(out);
      }
      case FP64 -> new TensorData.Doubles(values);
      case FP32 -> {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          out[i] = (float) values[i];
          checkFinite(input, i, values[i], out[i]);
        }
        yield new TensorData.Floats(out);
      }
      case FP16, BF16 -> {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
          float f = (float) values[i];
          if (to == DataType.FP16) {
            out[i] = ReducedFloats.floatToFp16(f);
            checkFinite(input, i, values[i], ReducedFloats.fp16ToFloat(out[i]));
          } else {
            out[i] = ReducedFloats.floatToBf16(f);
            checkFinite(input, i, values[i], ReducedFloats.bf16ToFloat(out[i]));
          }
        }
        yield new TensorData.Shorts(out);
      }
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
          out[i] = truncate(input, i, values[i]);
        }
        yield integers(out);
      }
      case BYTES -> throw new IllegalStateException("cast to BYTES passed compilation");
    };
  }

  /** Rounds toward zero and checks the range; UINT64 results keep their bit pattern. */
  private long truncate(Tensor input, int index, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      throw outOfRange(input, index, Double.toString(value));
    }
    double whole = value < 0 ? Math.ceil(value) : Math.floor(value);
    boolean fits =
        switch (to) {
          case INT64 -> whole >= -Numbers.TWO_63 && whole < Numbers.TWO_63;
          case UINT64 -> whole >= 0 && whole < Numbers.TWO_64;
          default -> whole >= minimum(to) && whole <= maximum(to);
        };
    if (!fits) {
      throw outOfRange(input, index, Double.toString(value));
    }
    if (to == DataType.UINT64 && whole >= Numbers.TWO_63) {
      return (long) (whole - Numbers.TWO_63) ^ Long.MIN_VALUE;
    }
    return (long) whole;
  }

  private void checkFinite(Tensor input, int index, double value, float narrowed) {
    if (Float.isInfinite(narrowed) && !Double.isInfinite(value)) {
      throw outOfRange(input, index, Double.toString(value));
    }
  }

  private RuntimeException outOfRange(Tensor input, int index, String value) {
    return step.invalid(
        tensor,
        "row "
            + Tensors.rowOf(input.shape(), index)
            + ": "
            + value
            + " (expected: a value "
            + to
            + " can hold"
            + (to.isIntegral() ? ", " + range(to) : "")
            + ")");
  }

  private static String range(DataType type) {
    return switch (type) {
      case UINT64 -> "0 to " + Long.toUnsignedString(-1L);
      default -> minimum(type) + " to " + maximum(type);
    };
  }

  /** Narrows checked values to the target's array. */
  private TensorData integers(long[] values) {
    int n = values.length;
    return switch (to.storage()) {
      case BYTE -> {
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
          out[i] = (byte) values[i];
        }
        yield new TensorData.Bytes(out);
      }
      case SHORT -> {
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
          out[i] = (short) values[i];
        }
        yield new TensorData.Shorts(out);
      }
      case INT -> {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
          out[i] = (int) values[i];
        }
        yield new TensorData.Ints(out);
      }
      case LONG -> new TensorData.Longs(values);
      case BOOLEAN, FLOAT, DOUBLE, BYTES ->
          throw new IllegalStateException(to + " is not an integer datatype");
    };
  }

  private static long minimum(DataType type) {
    return switch (type) {
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      default -> 0;
    };
  }

  private static long maximum(DataType type) {
    return switch (type) {
      case UINT8 -> 0xFFL;
      case UINT16 -> 0xFFFFL;
      case UINT32 -> 0xFFFF_FFFFL;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      default -> Long.MAX_VALUE;
    };
  }

  @Override
  public TensorAccess access() {
    return TensorAccess.replacing(tensor, output);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null) {
      return inputs;
    }
    if (input.datatype() == DataType.BYTES) {
      violations.accept(
          "tensor", "'" + tensor + "' is BYTES (expected: BOOL or " + Numbers.NUMERIC + ")");
      return inputs;
    }
    TensorSpec result =
        new TensorSpec(output, to, input.shape(), input.classes(), input.parameters());
    return Tensors.put(inputs, TensorSpec::name, result);
  }
}
