package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * An element-wise formula with one set of constants per column of the last dimension (or one set
 * for all): {@code scale} and {@code min-max}. Answers FP32 (FP64 stays FP64), computed in double
 * and rounded once.
 */
final class ColumnwiseTransform implements Transform {

  /** The formula for one value of one column. */
  @FunctionalInterface
  interface Formula {
    double apply(double value, int column);
  }

  private final StepPath step;
  private final String tensor;
  private final String output;
  private final int columns;
  private final String constants;
  private final Formula formula;

  /**
   * @param columns how many constants each column set has: 1 for all columns, else the last
   *     dimension the tensor must have
   * @param constants what the constants are, for messages: {@code mean/std}
   */
  private ColumnwiseTransform(
      StepPath step, String tensor, String output, int columns, String constants, Formula formula) {
    this.step = step;
    this.tensor = tensor;
    this.output = output;
    this.columns = columns;
    this.constants = constants;
    this.formula = formula;
  }

  /** {@code (v - mean[c]) / std[c]}. */
  static ColumnwiseTransform scale(
      StepPath step, String tensor, String output, double[] mean, double[] std) {
    return new ColumnwiseTransform(
        step,
        tensor,
        output,
        Math.max(mean.length, std.length),
        "mean/std",
        (v, c) -> (v - pick(mean, c)) / pick(std, c));
  }

  /** {@code low + (v - min[c]) * (high - low) / (max[c] - min[c])}. */
  static ColumnwiseTransform minMax(
      StepPath step,
      String tensor,
      String output,
      double[] min,
      double[] max,
      double low,
      double high) {
    int columns = Math.max(min.length, max.length);
    return new ColumnwiseTransform(
        step,
        tensor,
        output,
        columns,
        "min/max",
        (v, c) -> {
          double lo = pick(min, c);
          return low + (v - lo) * (high - low) / (pick(max, c) - lo);
        });
  }

  /** One value for every column, or one per column. */
  private static double pick(double[] values, int column) {
    return values.length == 1 ? values[0] : values[column];
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    Numbers.requireNumeric(input, step);
    long[] shape = input.shape();
    long last = shape.length == 0 ? 1 : shape[shape.length - 1];
    if (columns > 1 && last != columns) {
      throw step.invalid(
          tensor,
          "last dimension is "
              + last
              + " in shape "
              + Tensors.shapeText(shape)
              + " (expected: "
              + columns
              + ", one per "
              + constants
              + " value)");
    }
    double[] values = input.toDoubleArray();
    for (int i = 0; i < values.length; i++) {
      values[i] = formula.apply(values[i], columns > 1 ? i % columns : 0);
    }
    DataType type = Numbers.floatResult(input.datatype());
    Tensor result =
        new Tensor(output, type, shape, Numbers.floatData(type, values), input.parameters());
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
    long last = shape.isEmpty() ? 1 : shape.getLast();
    if (columns > 1 && last >= 0 && last != columns) {
      violations.accept(
          "tensor",
          "'"
              + tensor
              + "' has last dimension "
              + last
              + " in shape "
              + shape
              + " (expected: "
              + columns
              + ", one per "
              + constants
              + " value)");
    }
    TensorSpec result =
        new TensorSpec(
            output,
            Numbers.floatResult(input.datatype()),
            shape,
            input.classes(),
            input.parameters());
    return Tensors.put(inputs, TensorSpec::name, result);
  }
}
