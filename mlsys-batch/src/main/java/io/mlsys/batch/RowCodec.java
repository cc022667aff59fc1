package io.mlsys.batch;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RowLayout;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns input rows (text fields, in the model's input order) into model calls. Each input takes as
 * many columns as one of its rows holds: a {@code [-1, 4]} input four, a {@code [-1]} or {@code
 * [-1, 1]} input one; several inputs take their columns one after the other. Public for the Spark
 * job (mlsys-spark), whose tasks check and parse rows as {@code mlsys batch run} does.
 */
public final class RowCodec {
  private final List<RowLayout> inputs;
  private final int columns;

  private RowCodec(List<RowLayout> inputs, int columns) {
    this.inputs = inputs;
    this.columns = columns;
  }

  /**
   * @throws BatchException when an input has a datatype or shape that rows cannot fill
   */
  public static RowCodec of(ModelMetadata metadata) {
    List<RowLayout> inputs;
    try {
      inputs = RowLayout.of(metadata);
    } catch (IllegalArgumentException e) {
      throw new BatchException(e.getMessage(), e);
    }
    return new RowCodec(inputs, RowLayout.columns(inputs));
  }

  /** Fields per row. */
  public int columns() {
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
    for (RowLayout input : inputs) {
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
  public boolean looksLikeHeader(String[] fields) {
    return fields.length == columns && problem(fields) != null;
  }

  /** A model call being filled row by row; each field is parsed once. */
  public Batch batch(int capacity) {
    return new Batch(capacity);
  }

  /** The rows of one model call, parsed into the inputs' arrays as they are added. */
  public final class Batch {
    private final int capacity;
    private final Object[] arrays;
    private int rows;

    private Batch(int capacity) {
      this.capacity = capacity;
      this.arrays = new Object[inputs.size()];
      for (int i = 0; i < inputs.size(); i++) {
        int length = capacity * inputs.get(i).columns();
        arrays[i] =
            switch (inputs.get(i).spec().datatype()) {
              case FP32 -> new float[length];
              case FP64 -> new double[length];
              case INT32 -> new int[length];
              case INT64 -> new long[length];
              case BOOL -> new boolean[length];
              default -> new String[length];
            };
      }
    }

    public int size() {
      return rows;
    }

    public boolean full() {
      return rows == capacity;
    }

    /**
     * Adds a row when every field parses as its input's type.
     *
     * @return null when added, else why not (naming the column and the input)
     */
    public String add(String[] fields) {
      if (fields.length != columns) {
        return "has " + fields.length + " fields (expected: " + columns + ", " + layout() + ")";
      }
      for (int i = 0; i < inputs.size(); i++) {
        RowLayout input = inputs.get(i);
        int width = input.columns();
        int at = rows * width;
        for (int c = 0; c < width; c++) {
          String field = fields[input.firstColumn() + c];
          if (!set(input.spec().datatype(), arrays[i], at + c, field)) {
            return "column "
                + (input.firstColumn() + c + 1)
                + " is '"
                + abbreviate(field.strip())
                + "' (expected: "
                + expected(input.spec().datatype())
                + " for input "
                + input.spec().name()
                + ")";
          }
        }
      }
      rows++;
      return null;
    }

    /** The model call for the rows added. */
    public InferRequest request() {
      List<Tensor> tensors = new ArrayList<>(inputs.size());
      for (int i = 0; i < inputs.size(); i++) {
        TensorSpec spec = inputs.get(i).spec();
        long[] shape = new long[spec.shape().size()];
        shape[0] = rows;
        for (int d = 1; d < shape.length; d++) {
          shape[d] = spec.shape().get(d);
        }
        int length = rows * inputs.get(i).columns();
        Object array = arrays[i];
        tensors.add(
            switch (spec.datatype()) {
              case FP32 -> Tensor.ofFloats(spec.name(), shape, trim((float[]) array, length));
              case FP64 -> Tensor.ofDoubles(spec.name(), shape, trim((double[]) array, length));
              case INT32 -> Tensor.ofInts(spec.name(), shape, trim((int[]) array, length));
              case INT64 -> Tensor.ofLongs(spec.name(), shape, trim((long[]) array, length));
              case BOOL -> Tensor.ofBools(spec.name(), shape, trim((boolean[]) array, length));
              default -> Tensor.ofStrings(spec.name(), shape, trim((String[]) array, length));
            });
      }
      return new InferRequest(null, tensors, List.of(), Map.of());
    }
  }

  private static float[] trim(float[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private static double[] trim(double[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private static int[] trim(int[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private static long[] trim(long[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private static boolean[] trim(boolean[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  private static String[] trim(String[] array, int length) {
    return array.length == length ? array : java.util.Arrays.copyOf(array, length);
  }

  /** Parses a field into {@code array[index]}; false when it is not of the type. */
  private static boolean set(DataType type, Object array, int index, String field) {
    try {
      switch (type) {
        case FP32 -> ((float[]) array)[index] = Numbers.parseFloat(trimmed(field));
        case FP64 -> ((double[]) array)[index] = Numbers.parseDouble(trimmed(field));
        case INT32 -> ((int[]) array)[index] = Integer.parseInt(trimmed(field));
        case INT64 -> ((long[]) array)[index] = Long.parseLong(trimmed(field));
        case BOOL -> {
          String text = trimmed(field);
          if (text.equalsIgnoreCase("true")) {
            ((boolean[]) array)[index] = true;
          } else if (text.equalsIgnoreCase("false")) {
            ((boolean[]) array)[index] = false;
          } else {
            return false;
          }
        }
        default -> ((String[]) array)[index] = field.strip();
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The field without surrounding blanks; the same string (no copy) when it has none. */
  private static String trimmed(String field) {
    int n = field.length();
    return n > 0 && field.charAt(0) > ' ' && field.charAt(n - 1) > ' ' ? field : field.strip();
  }

  private String layout() {
    List<String> parts = new ArrayList<>();
    for (RowLayout input : inputs) {
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
