package io.mlsys.resilience;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.ReducedFloats;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorRows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixed answer of a fallback: one row of each configured output, repeated for each row of the
 * request, so a batch of N rows gets N answers (never one answer for a batch).
 */
final class DefaultAnswer {
  private final List<Tensor> rows;

  DefaultAnswer(List<FallbackOptions.DefaultOutput> outputs) {
    List<Tensor> built = new ArrayList<>(outputs.size());
    for (FallbackOptions.DefaultOutput output : outputs) {
      DataType type = DataType.fromWireName(output.datatype(), "datatype");
      long[] shape = new long[output.shape().size() + 1];
      shape[0] = 1;
      for (int i = 0; i < output.shape().size(); i++) {
        shape[i + 1] = output.shape().get(i);
      }
      built.add(new Tensor(output.name(), type, shape, data(type, output.data())));
    }
    this.rows = List.copyOf(built);
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /**
   * The outputs for a request: its batch size is the first dimension of its first input (1 for a
   * scalar or no input); only the outputs it asks for, when it names some it has.
   */
  List<Tensor> outputs(InferRequest request) {
    int batch =
        request.inputs().isEmpty() ? 1 : (int) Math.max(0, request.inputs().getFirst().batchSize());
    List<String> asked = request.outputs().stream().map(RequestedOutput::name).toList();
    List<Tensor> answer = new ArrayList<>(rows.size());
    for (Tensor row : rows) {
      if (asked.isEmpty() || asked.contains(row.name())) {
        answer.add(repeat(row, batch));
      }
    }
    return answer.isEmpty() && !asked.isEmpty() ? outputs(request.withOutputs(List.of())) : answer;
  }

  private static Tensor repeat(Tensor row, int batch) {
    long[] shape = row.shape().clone();
    shape[0] = batch;
    int rowSize = TensorRows.rowSize(shape);
    TensorData data = TensorRows.allocate(row.datatype().storage(), rowSize * batch);
    for (int i = 0; i < batch; i++) {
      TensorRows.copyRow(row.data(), 0, data, i, rowSize);
    }
    return new Tensor(row.name(), row.datatype(), shape, data);
  }

  /** Why a config value does not fit the datatype, or null when it does. */
  static String problem(DataType type, Object value) {
    return switch (type) {
      case BYTES -> value instanceof String ? null : "text";
      case BOOL -> value instanceof Boolean ? null : "true or false";
      case FP16, FP32, FP64, BF16 -> value instanceof Number ? null : "a number";
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 ->
          isWhole(value) && fits(type, ((Number) value).longValue())
              ? null
              : "an integer that fits " + type;
    };
  }

  private static boolean isWhole(Object value) {
    return value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte;
  }

  private static boolean fits(DataType type, long value) {
    return switch (type) {
      case INT8 -> value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE;
      case UINT8 -> value >= 0 && value <= 0xFF;
      case INT16 -> value >= Short.MIN_VALUE && value <= Short.MAX_VALUE;
      case UINT16 -> value >= 0 && value <= 0xFFFF;
      case INT32 -> value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
      case UINT32 -> value >= 0 && value <= 0xFFFF_FFFFL;
      case UINT64 -> value >= 0;
      default -> true;
    };
  }

  private static TensorData data(DataType type, List<Object> values) {
    int n = values.size();
    return switch (type) {
      case BYTES -> {
        byte[][] bytes = new byte[n][];
        for (int i = 0; i < n; i++) {
          bytes[i] = ((String) values.get(i)).getBytes(StandardCharsets.UTF_8);
        }
        yield new TensorData.ByteStrings(bytes);
      }
      case BOOL -> {
        boolean[] bools = new boolean[n];
        for (int i = 0; i < n; i++) {
          bools[i] = (Boolean) values.get(i);
        }
        yield new TensorData.Bools(bools);
      }
      case FP32 -> {
        float[] floats = new float[n];
        for (int i = 0; i < n; i++) {
          floats[i] = ((Number) values.get(i)).floatValue();
        }
        yield new TensorData.Floats(floats);
      }
      case FP64 -> {
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
          doubles[i] = ((Number) values.get(i)).doubleValue();
        }
        yield new TensorData.Doubles(doubles);
      }
      case FP16, BF16 -> {
        short[] shorts = new short[n];
        for (int i = 0; i < n; i++) {
          float value = ((Number) values.get(i)).floatValue();
          shorts[i] =
              type == DataType.FP16
                  ? ReducedFloats.floatToFp16(value)
                  : ReducedFloats.floatToBf16(value);
        }
        yield new TensorData.Shorts(shorts);
      }
      case INT8, UINT8 -> {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) ((Number) values.get(i)).longValue();
        }
        yield new TensorData.Bytes(bytes);
      }
      case INT16, UINT16 -> {
        short[] shorts = new short[n];
        for (int i = 0; i < n; i++) {
          shorts[i] = (short) ((Number) values.get(i)).longValue();
        }
        yield new TensorData.Shorts(shorts);
      }
      case INT32, UINT32 -> {
        int[] ints = new int[n];
        for (int i = 0; i < n; i++) {
          ints[i] = (int) ((Number) values.get(i)).longValue();
        }
        yield new TensorData.Ints(ints);
      }
      case INT64, UINT64 -> {
        long[] longs = new long[n];
        for (int i = 0; i < n; i++) {
          longs[i] = ((Number) values.get(i)).longValue();
        }
        yield new TensorData.Longs(longs);
      }
    };
  }
}
