package io.mlsys.spark;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The predictions' columns, as {@code mlsys batch run} writes them: {@code row} (the input row's
 * number, from 1), then each output tensor's values per row, one column each ({@code output_label};
 * {@code output_probability[setosa]} for a tensor with a value per class, {@code name[i]} when the
 * classes are not known). Learned by the driver from one answer of the model, so the schema is
 * known before any task runs.
 */
final class OutputColumns implements Serializable {
  static final String ROW = "row";

  /** The reject rows' columns, as {@code mlsys batch run} writes them: row, error, the row read. */
  static final StructType REJECTS =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField(ROW, DataTypes.LongType, false),
              DataTypes.createStructField("error", DataTypes.StringType, false),
              DataTypes.createStructField("line", DataTypes.StringType, false)));

  /** One output tensor: its columns, one per value of a row. */
  private record Output(String name, DataType datatype, List<String> columns)
      implements Serializable {}

  private final List<Output> outputs;
  private final int width;

  private OutputColumns(List<Output> outputs) {
    this.outputs = outputs;
    this.width = 1 + outputs.stream().mapToInt(output -> output.columns().size()).sum();
  }

  /** The columns of the tensors in {@code response}, an answer for one row. */
  static OutputColumns of(InferResponse response, ModelMetadata metadata) {
    List<Output> outputs = new ArrayList<>();
    for (Tensor tensor : response.outputs()) {
      int width = width(tensor);
      List<String> classes = classes(metadata, tensor.name());
      List<String> columns = new ArrayList<>(width);
      if (width == 1 && tensor.shape().length <= 2) {
        columns.add(tensor.name());
      } else {
        for (int i = 0; i < width; i++) {
          String key = classes.size() == width ? classes.get(i) : Integer.toString(i);
          columns.add(tensor.name() + "[" + key + "]");
        }
      }
      outputs.add(new Output(tensor.name(), tensor.datatype(), List.copyOf(columns)));
    }
    return new OutputColumns(List.copyOf(outputs));
  }

  /** The predictions' schema: {@code row} (LongType), then the outputs' columns. */
  StructType schema() {
    List<StructField> fields = new ArrayList<>(width);
    fields.add(DataTypes.createStructField(ROW, DataTypes.LongType, false));
    for (Output output : outputs) {
      for (String column : output.columns()) {
        fields.add(DataTypes.createStructField(column, sparkType(output.datatype()), false));
      }
    }
    return DataTypes.createStructType(fields);
  }

  /**
   * The rows of an answer to {@code rowNumbers.length} rows, each starting with its number.
   *
   * @throws SparkBatchException when the answer's tensors are not the ones the schema was made of
   */
  List<Row> rows(InferResponse response, long[] rowNumbers) {
    Object[][] values = values(response, rowNumbers);
    List<Row> rows = new ArrayList<>(values.length);
    for (Object[] row : values) {
      rows.add(RowFactory.create(row));
    }
    return rows;
  }

  /**
   * As {@link #rows}, each row as one CSV line (no line break), its numbers written as {@code mlsys
   * batch run} writes them ({@link Float#toString}, ...).
   */
  List<Row> lines(InferResponse response, long[] rowNumbers) {
    Object[][] values = values(response, rowNumbers);
    List<Row> lines = new ArrayList<>(values.length);
    for (Object[] row : values) {
      lines.add(RowFactory.create(csvLine(row)));
    }
    return lines;
  }

  /** Values as one CSV line (no line break), each written as {@link String#valueOf(Object)}. */
  static String csvLine(Object[] values) {
    StringBuilder line = new StringBuilder(64);
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        line.append(',');
      }
      appendField(line, String.valueOf(values[i]));
    }
    return line.toString();
  }

  /** The CSV header line: {@code row}, then the outputs' columns. */
  String headerLine() {
    StringBuilder line = new StringBuilder(ROW);
    for (Output output : outputs) {
      for (String column : output.columns()) {
        appendField(line.append(','), column);
      }
    }
    return line.toString();
  }

  /**
   * A field, quoted (quotes doubled) when it holds a comma, a quote or a blank (a line break
   * included), as {@code mlsys batch run}'s CSV sink writes it.
   */
  private static void appendField(StringBuilder line, String field) {
    boolean quote = false;
    for (int i = 0; i < field.length() && !quote; i++) {
      char c = field.charAt(i);
      quote = c <= ' ' || c == ',' || c == '"';
    }
    if (quote) {
      line.append('"').append(field.replace("\"", "\"\"")).append('"');
    } else {
      line.append(field);
    }
  }

  private Object[][] values(InferResponse response, long[] rowNumbers) {
    int n = rowNumbers.length;
    Object[][] values = new Object[n][width];
    for (int r = 0; r < n; r++) {
      values[r][0] = rowNumbers[r];
    }
    int column = 1;
    for (Output output : outputs) {
      Tensor tensor =
          response
              .output(output.name())
              .orElseThrow(() -> changed("output " + output.name() + " is missing"));
      int w = output.columns().size();
      if (tensor.datatype() != output.datatype() || width(tensor) != w || tensor.batchSize() != n) {
        throw changed(
            "output "
                + output.name()
                + " is "
                + tensor.datatype()
                + " "
                + java.util.Arrays.toString(tensor.shape())
                + " for "
                + n
                + " rows (expected: "
                + output.datatype()
                + " with "
                + w
                + " values a row)");
      }
      fill(tensor, values, column, w);
      column += w;
    }
    return values;
  }

  private static void fill(Tensor tensor, Object[][] rows, int column, int w) {
    int n = rows.length;
    switch (sparkKind(tensor.datatype())) {
      case FLOAT -> {
        float[] values = tensor.floats();
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < w; i++) {
            rows[r][column + i] = values[r * w + i];
          }
        }
      }
      case DOUBLE -> {
        double[] values = tensor.toDoubleArray();
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < w; i++) {
            rows[r][column + i] = values[r * w + i];
          }
        }
      }
      case LONG -> {
        long[] values = tensor.toLongArray();
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < w; i++) {
            rows[r][column + i] = values[r * w + i];
          }
        }
      }
      case BOOLEAN -> {
        boolean[] values = tensor.bools();
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < w; i++) {
            rows[r][column + i] = values[r * w + i];
          }
        }
      }
      case STRING -> {
        String[] values = tensor.strings();
        for (int r = 0; r < n; r++) {
          System.arraycopy(values, r * w, rows[r], column, w);
        }
      }
    }
  }

  private enum Kind {
    FLOAT,
    DOUBLE,
    LONG,
    BOOLEAN,
    STRING
  }

  /** FP32 as floats; FP64, FP16 and BF16 as doubles; every integer type as longs. */
  private static Kind sparkKind(DataType type) {
    return switch (type) {
      case FP32 -> Kind.FLOAT;
      case FP64, FP16, BF16 -> Kind.DOUBLE;
      case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> Kind.LONG;
      case BOOL -> Kind.BOOLEAN;
      case BYTES -> Kind.STRING;
    };
  }

  private static org.apache.spark.sql.types.DataType sparkType(DataType type) {
    return switch (sparkKind(type)) {
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case LONG -> DataTypes.LongType;
      case BOOLEAN -> DataTypes.BooleanType;
      case STRING -> DataTypes.StringType;
    };
  }

  private static SparkBatchException changed(String what) {
    return new SparkBatchException(
        "the model's outputs changed during the job: " + what + " (the job learned them first)");
  }

  private static int width(Tensor tensor) {
    long[] shape = tensor.shape();
    long width = 1;
    for (int i = 1; i < shape.length; i++) {
      width *= shape[i];
    }
    return (int) width;
  }

  private static List<String> classes(ModelMetadata metadata, String output) {
    for (TensorSpec spec : metadata.outputs()) {
      if (spec.name().equals(output) && spec.classes() != null) {
        return spec.classes();
      }
    }
    return List.of();
  }
}
