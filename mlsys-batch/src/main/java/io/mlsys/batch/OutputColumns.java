package io.mlsys.batch;

import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The output file's columns: {@code row}, then each output tensor's values per row, one column each
 * ({@code output_label}; {@code output_probability[setosa]} for a tensor with a value per class,
 * {@code name[i]} when the classes are not known).
 */
final class OutputColumns {
  static final String ROW = "row";

  private OutputColumns() {}

  /** The header for a response's tensors. */
  static List<String> header(InferResponse response, ModelMetadata metadata) {
    List<String> header = new ArrayList<>();
    header.add(ROW);
    for (Tensor tensor : response.outputs()) {
      int width = width(tensor);
      List<String> classes = classes(metadata, tensor.name());
      if (width == 1 && tensor.shape().length <= 2) {
        header.add(tensor.name());
      } else {
        for (int i = 0; i < width; i++) {
          String key = classes.size() == width ? classes.get(i) : Integer.toString(i);
          header.add(tensor.name() + "[" + key + "]");
        }
      }
    }
    return header;
  }

  /** The columns for a response's tensors, with their kinds. */
  static Columns columns(InferResponse response, ModelMetadata metadata) {
    List<String> names = header(response, metadata);
    List<Columns.Kind> kinds = new ArrayList<>();
    kinds.add(Columns.Kind.INTEGER);
    for (Tensor tensor : response.outputs()) {
      Columns.Kind kind = kind(tensor.datatype());
      int width = width(tensor);
      for (int i = 0; i < width; i++) {
        kinds.add(kind);
      }
    }
    return new Columns(names, kinds);
  }

  /** The columns when no row was predicted: {@code row} and one per output. */
  static Columns empty(ModelMetadata metadata) {
    List<String> names = new ArrayList<>();
    List<Columns.Kind> kinds = new ArrayList<>();
    names.add(ROW);
    kinds.add(Columns.Kind.INTEGER);
    for (TensorSpec spec : metadata.outputs()) {
      names.add(spec.name());
      kinds.add(kind(spec.datatype()));
    }
    return new Columns(names, kinds);
  }

  static Columns.Kind kind(io.mlsys.core.DataType type) {
    return switch (type) {
      case FP16, BF16, FP32, FP64 -> Columns.Kind.REAL;
      case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> Columns.Kind.INTEGER;
      case BOOL -> Columns.Kind.BOOLEAN;
      case BYTES -> Columns.Kind.TEXT;
    };
  }

  /** A response's values as text, each tensor converted once. */
  static Decoded decode(InferResponse response) {
    List<String[]> tensors = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    for (Tensor tensor : response.outputs()) {
      tensors.add(text(tensor));
      widths.add(width(tensor));
    }
    return new Decoded(tensors, widths);
  }

  /** One response's values as text. */
  record Decoded(List<String[]> tensors, List<Integer> widths) {
    /** The fields of row {@code r}, after its {@code rowNumber}. */
    String[] row(int r, long rowNumber, int columns) {
      String[] fields = new String[columns];
      fields[0] = Long.toString(rowNumber);
      int column = 1;
      for (int t = 0; t < tensors.size(); t++) {
        int width = widths.get(t);
        String[] values = tensors.get(t);
        for (int i = 0; i < width; i++) {
          if (column == columns) {
            throw changed(columns);
          }
          fields[column++] = values[r * width + i];
        }
      }
      if (column != columns) {
        throw changed(columns);
      }
      return fields;
    }

    private static BatchException changed(int columns) {
      return new BatchException(
          "the model's outputs changed during the run (expected "
              + (columns - 1)
              + " values a"
              + " row, as the output's header says)");
    }
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

  private static String[] text(Tensor tensor) {
    int n = (int) Tensor.elementCount(tensor.shape());
    String[] text = new String[n];
    switch (tensor.datatype()) {
      case FP32 -> {
        float[] values = tensor.floats();
        for (int i = 0; i < n; i++) {
          text[i] = Float.toString(values[i]);
        }
      }
      case BOOL -> {
        boolean[] values = tensor.bools();
        for (int i = 0; i < n; i++) {
          text[i] = Boolean.toString(values[i]);
        }
      }
      case BYTES -> System.arraycopy(tensor.strings(), 0, text, 0, n);
      case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> {
        long[] values = tensor.toLongArray();
        for (int i = 0; i < n; i++) {
          text[i] = Long.toString(values[i]);
        }
      }
      default -> {
        double[] values = tensor.toDoubleArray();
        for (int i = 0; i < n; i++) {
          text[i] = Double.toString(values[i]);
        }
      }
    }
    return text;
  }
}
