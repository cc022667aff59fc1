package io.mlsys.spark;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RowLayout;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How input rows fill a model's inputs, by position: each input takes as many columns as one of its
 * rows holds (a {@code [-1, 4]} input four, a {@code [-1]} or {@code [-1, 1]} input one), several
 * inputs one after the other, as {@code mlsys batch run} reads CSV rows.
 */
final class InputColumns implements Serializable {
  private record Input(String name, DataType datatype, long[] shape, int columns, int first)
      implements Serializable {}

  private final List<Input> inputs;
  private final int columns;

  private InputColumns(List<Input> inputs, int columns) {
    this.inputs = inputs;
    this.columns = columns;
  }

  /**
   * @throws SparkBatchException when an input has a datatype or shape that rows cannot fill
   */
  static InputColumns of(ModelMetadata metadata) {
    List<RowLayout> layout;
    try {
      layout = RowLayout.of(metadata);
    } catch (IllegalArgumentException e) {
      throw new SparkBatchException(e.getMessage(), e);
    }
    List<Input> inputs = new ArrayList<>();
    for (RowLayout input : layout) {
      TensorSpec spec = input.spec();
      long[] concrete = new long[spec.shape().size()];
      for (int i = 1; i < concrete.length; i++) {
        concrete[i] = spec.shape().get(i);
      }
      inputs.add(
          new Input(spec.name(), spec.datatype(), concrete, input.columns(), input.firstColumn()));
    }
    return new InputColumns(List.copyOf(inputs), RowLayout.columns(layout));
  }

  /** Columns per row. */
  int columns() {
    return columns;
  }

  /**
   * The rows' schema: a column per value, named after its input ({@code float_input_0} ... for a
   * wide input), typed as the input's datatype.
   */
  StructType schema() {
    List<StructField> fields = new ArrayList<>(columns);
    for (Input input : inputs) {
      for (int c = 0; c < input.columns(); c++) {
        String name = input.columns() == 1 ? input.name() : input.name() + "_" + c;
        fields.add(DataTypes.createStructField(name, sparkType(input.datatype()), true));
      }
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * One model call for a batch of rows of {@link #schema()}.
   *
   * @param rowNumbers the rows' numbers, for the error when a field is empty
   * @throws SparkBatchException when a field is empty (null)
   */
  InferRequest request(List<Row> rows, long[] rowNumbers) {
    int n = rows.size();
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    for (Input input : inputs) {
      long[] shape = input.shape().clone();
      shape[0] = n;
      int width = input.columns();
      int from = input.first();
      checkNoNulls(rows, rowNumbers, input);
      tensors.add(
          switch (input.datatype()) {
            case FP32 -> {
              float[] values = new float[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getFloat(from + c);
                }
              }
              yield Tensor.ofFloats(input.name(), shape, values);
            }
            case FP64 -> {
              double[] values = new double[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getDouble(from + c);
                }
              }
              yield Tensor.ofDoubles(input.name(), shape, values);
            }
            case INT32 -> {
              int[] values = new int[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getInt(from + c);
                }
              }
              yield Tensor.ofInts(input.name(), shape, values);
            }
            case INT64 -> {
              long[] values = new long[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getLong(from + c);
                }
              }
              yield Tensor.ofLongs(input.name(), shape, values);
            }
            case BOOL -> {
              boolean[] values = new boolean[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getBoolean(from + c);
                }
              }
              yield Tensor.ofBools(input.name(), shape, values);
            }
            default -> {
              String[] values = new String[n * width];
              for (int r = 0; r < n; r++) {
                Row row = rows.get(r);
                for (int c = 0; c < width; c++) {
                  values[r * width + c] = row.getString(from + c);
                }
              }
              yield Tensor.ofStrings(input.name(), shape, values);
            }
          });
    }
    return new InferRequest(null, tensors, List.of(), Map.of());
  }

  /**
   * A request of one row of zeros (false, empty text): what the driver asks to learn the outputs.
   */
  InferRequest probe() {
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    for (Input input : inputs) {
      long[] shape = input.shape().clone();
      shape[0] = 1;
      int width = input.columns();
      tensors.add(
          switch (input.datatype()) {
            case FP32 -> Tensor.ofFloats(input.name(), shape, new float[width]);
            case FP64 -> Tensor.ofDoubles(input.name(), shape, new double[width]);
            case INT32 -> Tensor.ofInts(input.name(), shape, new int[width]);
            case INT64 -> Tensor.ofLongs(input.name(), shape, new long[width]);
            case BOOL -> Tensor.ofBools(input.name(), shape, new boolean[width]);
            default -> {
              String[] values = new String[width];
              java.util.Arrays.fill(values, "");
              yield Tensor.ofStrings(input.name(), shape, values);
            }
          });
    }
    return new InferRequest(null, tensors, List.of(), Map.of());
  }

  private static void checkNoNulls(List<Row> rows, long[] rowNumbers, Input input) {
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      for (int c = 0; c < input.columns(); c++) {
        if (row.isNullAt(input.first() + c)) {
          throw new SparkBatchException(
              "row "
                  + rowNumbers[r]
                  + ": column "
                  + (input.first() + c + 1)
                  + " is empty (expected: "
                  + input.datatype()
                  + " for input "
                  + input.name()
                  + ")");
        }
      }
    }
  }

  private static org.apache.spark.sql.types.DataType sparkType(DataType type) {
    return switch (type) {
      case FP32 -> DataTypes.FloatType;
      case FP64 -> DataTypes.DoubleType;
      case INT32 -> DataTypes.IntegerType;
      case INT64 -> DataTypes.LongType;
      case BOOL -> DataTypes.BooleanType;
      case BYTES -> DataTypes.StringType;
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, FP16, BF16 -> null;
    };
  }
}
