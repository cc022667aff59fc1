package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.util.function.BiConsumer;

/**
 * The numeric-datatype checks of the steps and their float results. Elements are read with {@link
 * Tensor#toDoubleArray} and {@link Tensor#toLongArray} (fresh copies: tensor arrays are shared).
 */
final class Numbers {
  static final String NUMERIC = "a numeric datatype: INT*, UINT*, FP16, BF16, FP32 or FP64";

  /** 2^63 and 2^64 as doubles, the bounds of the 64-bit integer types. */
  static final double TWO_63 = 0x1p63;

  static final double TWO_64 = 0x1p64;

  private Numbers() {}

  static void requireNumeric(Tensor tensor, StepPath step) {
    if (!tensor.datatype().isNumeric()) {
      throw step.invalid(
          tensor.name(), "datatype " + tensor.datatype() + " (expected: " + NUMERIC + ")");
    }
  }

  /** Whether the spec is numeric; reports it at {@code path} when not. */
  static boolean checkNumeric(TensorSpec spec, String path, BiConsumer<String, String> violations) {
    if (spec.datatype().isNumeric()) {
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
