package io.mlsys.batch;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns input rows (text fields, in the model's input order) into model calls. Each input takes as
 * many columns as one of its rows holds: a {@code [-1, 4]} input four, a {@code [-1]} or {@code
 * [-1, 1]} input one; several inputs take their columns one after the other.
 */
final class RowCodec {
  private static final Set<DataType> SUPPORTED =
      Set.of(
          DataType.FP32,
          DataType.FP64,
          DataType.INT32,
          DataType.INT64,
          DataType.BOOL,
          DataType.BYTES);

  private record Input(TensorSpec spec, int columns, int firstColumn) {}

  private final List<Input> inputs;
  private final int columns;

  private RowCodec(List<Input> inputs, int columns) {
    this.inputs = inputs;
    this.columns = columns;
  }

  /**
   * @throws BatchException when an input has a datatype or shape that rows cannot fill
   */
  static RowCodec of(ModelMetadata metadata) {
    List<Input> inputs = new ArrayList<>();
    int column = 0;
    for (TensorSpec spec : metadata.inputs()) {
      if (!SUPPORTED.contains(spec.datatype())) {
        throw new BatchException(
            "model "
                + metadata.name()
                + ": input "
                + spec.name()
                + " is "
                + spec.datatype()
                + " (batch rows fill FP32, FP64, INT32, INT64, BOOL and BYTES inputs)");
      }
      List<Long> shape = spec.shape();
      long width = 1;
      for (int i = 1; i < shape.size(); i++) {
        if (shape.get(i) < 1) {
          throw new BatchException(
              "model "
                  + metadata.name()
                  + ": input "
                  + spec.name()
                  + " has shape "
                  + shape
                  + " (batch rows need a fixed size after the batch dimension)");
        }
        width *= shape.get(i);
      }
      if (shape.isEmpty() || width > 100_000) {
        throw new BatchException(
            "model "
                + metadata.name()
                + ": input "
                + spec.name()
                + " has shape "
                + shape
                + " (expected: [-1] or [-1, columns] with a batch dimension first)");
      }
      inputs.add(new Input(spec, (int) width, column));
      column += (int) width;
    }
    if (inputs.isEmpty()) {
      throw new BatchException("model " + metadata.name() + " has no inputs");
    }
    return new RowCodec(List.copyOf(inputs), column);
  }

  /** Fields per row. */
  int columns() {
    return columns;
  }

  /**
   * Checks that a row can be predicted: the column count and each field's type.
   *
   * @return null when it can, else why not (naming the column and the input)
   */
  String problem(String[] fields) {
    if (fields.length != columns) {
      return "has " + fields.length + " fields (expected: " + columns + ", " + layout() + ")";
    }
    for (Input input : inputs) {
      for (int c = 0; c < input.columns(); c++) {
        String field = fields[input.firstColumn() + c].strip();
        if (!parses(input.spec().datatype(), field)) {
          return "column "
              + (input.firstColumn() + c + 1)
              + " is '"
              + abbreviate(field)
              + "' (expected: "
              + expected(input.spec().datatype())
              + " for input "
              + input.spec().name()
              + ")";
        }
      }
    }
    return null;
  }

  /** Whether the line looks like a header: a field that must be numeric is not. */
  boolean looksLikeHeader(String[] fields) {
    return fields.length == columns && problem(fields) != null;
  }

  /** One model call for these rows, each of which {@link #problem} accepted. */
  InferRequest request(List<String[]> rows) {
    List<Tensor> tensors = new ArrayList<>(inputs.size());
    int n = rows.size();
    for (Input input : inputs) {
      TensorSpec spec = input.spec();
      long[] shape = new long[spec.shape().size()];
      shape[0] = n;
      for (int i = 1; i < shape.length; i++) {
        shape[i] = spec.shape().get(i);
      }
      int width = input.columns();
      int from = input.firstColumn();
      tensors.add(
          switch (spec.datatype()) {
            case FP32 -> {
              float[] values = new float[n * width];
              fill(rows, from, width, (i, s) -> values[i] = Float.parseFloat(s));
              yield Tensor.ofFloats(spec.name(), shape, values);
            }
            case FP64 -> {
              double[] values = new double[n * width];
              fill(rows, from, width, (i, s) -> values[i] = Double.parseDouble(s));
              yield Tensor.ofDoubles(spec.name(), shape, values);
            }
            case INT32 -> {
              int[] values = new int[n * width];
              fill(rows, from, width, (i, s) -> values[i] = Integer.parseInt(s));
              yield Tensor.ofInts(spec.name(), shape, values);
            }
            case INT64 -> {
              long[] values = new long[n * width];
              fill(rows, from, width, (i, s) -> values[i] = Long.parseLong(s));
              yield Tensor.ofLongs(spec.name(), shape, values);
            }
            case BOOL -> {
              boolean[] values = new boolean[n * width];
              fill(rows, from, width, (i, s) -> values[i] = Boolean.parseBoolean(s));
              yield Tensor.ofBools(spec.name(), shape, values);
            }
            default -> {
              String[] values = new String[n * width];
              fill(rows, from, width, (i, s) -> values[i] = s);
              yield Tensor.ofStrings(spec.name(), shape, values);
            }
          });
    }
    return new InferRequest(null, tensors, List.of(), Map.of());
  }

  private interface FieldSetter {
    void set(int index, String field);
  }

  private static void fill(List<String[]> rows, int from, int width, FieldSetter setter) {
    int index = 0;
    for (String[] row : rows) {
      for (int c = 0; c < width; c++) {
        setter.set(index++, row[from + c].strip());
      }
    }
  }

  private String layout() {
    List<String> parts = new ArrayList<>();
    for (Input input : inputs) {
      parts.add(input.spec().name() + " " + input.columns() + " x " + input.spec().datatype());
    }
    return String.join(", ", parts);
  }

  private static boolean parses(DataType type, String field) {
    try {
      switch (type) {
        case FP32, FP64 -> Double.parseDouble(field);
        case INT32 -> Integer.parseInt(field);
        case INT64 -> Long.parseLong(field);
        case BOOL -> {
          if (!field.equalsIgnoreCase("true") && !field.equalsIgnoreCase("false")) {
            return false;
          }
        }
        default -> {
          // BYTES: any text.
        }
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String expected(DataType type) {
    return switch (type) {
      case FP32, FP64 -> "a number";
      case INT32, INT64 -> "an integer";
      case BOOL -> "true or false";
      default -> "text";
    };
  }

  private static String abbreviate(String field) {
    return field.length() <= 40 ? field : field.substring(0, 40) + "...";
  }
}
