package io.mlsys.core;

import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/** Tensors of any datatype whose elements stand for small whole numbers, for row-wise tests. */
final class TestTensors {
  private TestTensors() {}

  /**
   * A tensor whose element i stands for {@code values[i]}: that number in numeric datatypes, {@code
   * v % 2 == 1} in BOOL, the text {@code "e<v>"} in BYTES.
   */
  static Tensor of(String name, DataType type, long[] shape, int... values) {
    TensorData data = TensorRows.allocate(type.storage(), values.length);
    for (int i = 0; i < values.length; i++) {
      int v = values[i];
      switch (data) {
        case TensorData.Bools d -> d.values()[i] = v % 2 == 1;
        case TensorData.Bytes d -> d.values()[i] = (byte) v;
        case TensorData.Shorts d ->
            d.values()[i] =
                switch (type) {
                  case FP16 -> ReducedFloats.floatToFp16(v);
                  case BF16 -> ReducedFloats.floatToBf16(v);
                  default -> (short) v;
                };
        case TensorData.Ints d -> d.values()[i] = v;
        case TensorData.Longs d -> d.values()[i] = v;
        case TensorData.Floats d -> d.values()[i] = v;
        case TensorData.Doubles d -> d.values()[i] = v;
        case TensorData.ByteStrings d -> d.values()[i] = ("e" + v).getBytes(StandardCharsets.UTF_8);
      }
    }
    return new Tensor(name, type, shape, data);
  }

  /** Elements 0, 1, 2, ... filling the shape. */
  static Tensor counting(String name, DataType type, long... shape) {
    return of(name, type, shape, IntStream.range(0, (int) Tensor.elementCount(shape)).toArray());
  }
}
