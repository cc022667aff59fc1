package io.mlsys.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where one model input lies in a row of fields: each input takes as many columns as one of its
 * rows holds (a {@code [-1, 4]} input four, a {@code [-1]} or {@code [-1, 1]} input one), several
 * inputs one after the other. The one layout of batch rows ({@code mlsys batch run}, the Spark
 * job).
 *
 * @param spec the input
 * @param columns fields one row of it takes
 * @param firstColumn its first field's index in the row
 */
public record RowLayout(TensorSpec spec, int columns, int firstColumn) {
  /** The datatypes a text or typed field can fill. */
  public static final Set<DataType> SUPPORTED =
      Set.of(
          DataType.FP32,
          DataType.FP64,
          DataType.INT32,
          DataType.INT64,
          DataType.BOOL,
          DataType.BYTES);

  /**
   * The layout of every input of {@code metadata}, in its input order.
   *
   * @throws IllegalArgumentException when an input has a datatype or shape that rows cannot fill,
   *     or the model has no inputs
   */
  public static List<RowLayout> of(ModelMetadata metadata) {
    List<RowLayout> inputs = new ArrayList<>();
    int column = 0;
    for (TensorSpec spec : metadata.inputs()) {
      if (!SUPPORTED.contains(spec.datatype())) {
        throw new IllegalArgumentException(
            "model "
                + metadata.name()
                + ": input "
                + spec.name()
                + " is "
                + spec.datatype()
                + " (rows fill FP32, FP64, INT32, INT64, BOOL and BYTES inputs)");
      }
      List<Long> shape = spec.shape();
      long width = 1;
      for (int i = 1; i < shape.size(); i++) {
        if (shape.get(i) < 1) {
          throw new IllegalArgumentException(
              "model "
                  + metadata.name()
                  + ": input "
                  + spec.name()
                  + " has shape "
                  + shape
                  + " (rows need a fixed size after the batch dimension)");
        }
        width *= shape.get(i);
      }
      if (shape.isEmpty() || width > 100_000) {
        throw new IllegalArgumentException(
            "model "
                + metadata.name()
                + ": input "
                + spec.name()
                + " has shape "
                + shape
                + " (expected: [-1] or [-1, columns] with a batch dimension first)");
      }
      inputs.add(new RowLayout(spec, (int) width, column));
      column += (int) width;
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("model " + metadata.name() + " has no inputs");
    }
    return List.copyOf(inputs);
  }

  /** Fields per row: the last input's first column plus its columns. */
  public static int columns(List<RowLayout> layout) {
    RowLayout last = layout.getLast();
    return last.firstColumn() + last.columns();
  }
}
