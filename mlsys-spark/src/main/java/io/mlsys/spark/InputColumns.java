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

/**
 * A model's inputs as the driver checks them before the job: whether rows can fill them (each input
 * takes as many columns as one of its rows holds, several inputs one after the other, as {@code
 * mlsys batch run} reads rows), and a row of zeros to learn the outputs from.
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
}
