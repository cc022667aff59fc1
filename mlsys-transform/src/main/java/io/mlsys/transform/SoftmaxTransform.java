package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code softmax: {tensor: x, axis: -1}}: {@code exp(v - max) / sum(exp(v - max))} along the axis
 * (subtracting the maximum keeps large logits from overflowing). A negative axis counts from the
 * end; the batch axis 0 is refused because it would mix rows. Answers FP32 (FP64 stays FP64).
 */
final class SoftmaxTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final int axis;
  private final String output;

  SoftmaxTransform(StepPath step, String tensor, int axis, String output) {
    this.step = step;
    this.tensor = tensor;
    this.axis = axis;
    this.output = output;
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    Numbers.requireNumeric(input, step);
    long[] shape = input.shape();
    int at = axis < 0 ? shape.length + axis : axis;
    if (at < 1 || at >= shape.length) {
      throw step.invalid(
          tensor,
          "shape "
              + Tensors.shapeText(shape)
              + " has no axis "
              + axis
              + " (expected: a tensor of rank >= 2 with an axis other than the batch axis 0)");
    }
    int length = (int) shape[at];
    int inner = 1;
    for (int i = at + 1; i < shape.length; i++) {
      inner *= (int) shape[i];
    }
    double[] values = input.toDoubleArray();
    int outer = length * inner == 0 ? 0 : values.length / (length * inner);
    for (int o = 0; o < outer; o++) {
      for (int in = 0; in < inner; in++) {
        int base = o * length * inner + in;
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
          max = Math.max(max, values[base + k * inner]);
        }
        double sum = 0;
        for (int k = 0; k < length; k++) {
          int index = base + k * inner;
          values[index] = Math.exp(values[index] - max);
          sum += values[index];
        }
        for (int k = 0; k < length; k++) {
          values[base + k * inner] /= sum;
        }
      }
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
    int rank = input.shape().size();
    int at = axis < 0 ? rank + axis : axis;
    if (at < 1 || at >= rank) {
      violations.accept(
          "axis",
          axis
              + " (expected: an axis other than the batch axis 0 of '"
              + tensor
              + "' "
              + input.shape()
              + ")");
      return inputs;
    }
    TensorSpec result =
        new TensorSpec(
            output,
            Numbers.floatResult(input.datatype()),
            input.shape(),
            input.classes(),
            input.parameters());
    return Tensors.put(inputs, TensorSpec::name, result);
  }
}
