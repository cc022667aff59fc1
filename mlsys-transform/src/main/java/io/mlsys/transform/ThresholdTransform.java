package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code threshold: {tensor: x, value: 0.5, column: 1}}: BOOL, true where {@code v >= value} (NaN
 * is false); every element keeps its place, or with {@code column} only that column of [N, C]
 * becomes a [N] result.
 */
final class ThresholdTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final double value;
  private final Integer column;
  private final String output;

  /**
   * @param column null for every element
   */
  ThresholdTransform(StepPath step, String tensor, double value, Integer column, String output) {
    this.step = step;
    this.tensor = tensor;
    this.value = value;
    this.column = column;
    this.output = output;
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    Numbers.requireNumeric(input, step);
    double[] values = input.toDoubleArray();
    long[] shape = input.shape();
    Tensor result;
    if (column == null) {
      boolean[] out = new boolean[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = values[i] >= value;
      }
      result =
          new Tensor(output, DataType.BOOL, shape, new TensorData.Bools(out), input.parameters());
    } else {
      if (shape.length != 2 || column >= shape[1]) {
        throw step.invalid(
            tensor,
            "shape "
                + Tensors.shapeText(shape)
                + " (expected: [N, C] with more than "
                + column
                + " columns, to read column "
                + column
                + ")");
      }
      int columns = (int) shape[1];
      boolean[] out = new boolean[(int) shape[0]];
      for (int row = 0; row < out.length; row++) {
        out[row] = values[row * columns + column] >= value;
      }
      result = new Tensor(output, DataType.BOOL, new long[] {shape[0]}, new TensorData.Bools(out));
    }
    return Tensors.put(tensors, Tensor::name, result);
  }

  @Override
  public TensorAccess access() {
    return TensorAccess.replacing(tensor, output);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null || !Numbers.checkNumeric(input, "tensor", violations)) {
      return inputs;
    }
    List<Long> shape = input.shape();
    TensorSpec result;
    if (column == null) {
      result = new TensorSpec(output, DataType.BOOL, shape, input.classes(), input.parameters());
    } else {
      if (shape.size() != 2 || (shape.get(1) >= 0 && column >= shape.get(1))) {
        violations.accept(
            "column",
            column
                + " (expected: a column of '"
                + tensor
                + "' "
                + shape
                + ", which must be [N, C] with C > "
                + column
                + ")");
        return inputs;
      }
      result =
          new TensorSpec(output, DataType.BOOL, List.of(shape.getFirst()), List.of(), Map.of());
    }
    return Tensors.put(inputs, TensorSpec::name, result);
  }
}
