package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code one-hot: {tensor: x, classes: [a, b, c]}}: an integer or BYTES tensor [N] or [N, 1]
 * becomes FP32 [N, C] with a 1 in the column of each row's class. Integers match the classes
 * written as decimal text.
 */
final class OneHotTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final String output;
  private final List<String> classes;
  private final Map<String, Integer> columns = new HashMap<>();

  OneHotTransform(StepPath step, String tensor, String output, List<String> classes) {
    this.step = step;
    this.tensor = tensor;
    this.output = output;
    this.classes = List.copyOf(classes);
    for (int i = 0; i < this.classes.size(); i++) {
      columns.put(this.classes.get(i), i);
    }
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    DataType type = input.datatype();
    if (type != DataType.BYTES && !type.isIntegral()) {
      throw step.invalid(tensor, "datatype " + type + " (expected: an integer datatype or BYTES)");
    }
    long[] shape = input.shape();
    if (!(shape.length == 1 || (shape.length == 2 && shape[1] == 1))) {
      throw step.invalid(
          tensor, "shape " + Tensors.shapeText(shape) + " (expected: [N] or [N, 1])");
    }
    String[] values = type == DataType.BYTES ? input.strings() : integerTexts(input);
    int width = classes.size();
    float[] out = new float[values.length * width];
    for (int row = 0; row < values.length; row++) {
      Integer column = columns.get(values[row]);
      if (column == null) {
        throw step.invalid(
            tensor,
            "row "
                + row
                + ": '"
                + values[row]
                + "' (expected: one of "
                + String.join(", ", classes)
                + ")");
      }
      out[row * width + column] = 1f;
    }
    Tensor result = Tensor.ofFloats(output, new long[] {shape[0], width}, out);
    return Tensors.put(tensors, Tensor::name, result);
  }

  private static String[] integerTexts(Tensor input) {
    long[] values = input.toLongArray();
    boolean unsigned = input.datatype() == DataType.UINT64;
    String[] texts = new String[values.length];
    for (int i = 0; i < values.length; i++) {
      texts[i] = unsigned ? Long.toUnsignedString(values[i]) : Long.toString(values[i]);
    }
    return texts;
  }

  @Override
  public TensorAccess access() {
    return TensorAccess.replacing(tensor, output);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null) {
      return inputs;
    }
    if (input.datatype() != DataType.BYTES && !input.datatype().isIntegral()) {
      violations.accept(
          "tensor",
          "'" + tensor + "' is " + input.datatype() + " (expected: an integer datatype or BYTES)");
      return inputs;
    }
    List<Long> shape = input.shape();
    boolean fits =
        shape.size() == 1 || (shape.size() == 2 && (shape.get(1) == 1 || shape.get(1) < 0));
    if (!fits) {
      violations.accept(
          "tensor", "'" + tensor + "' has shape " + shape + " (expected: [N] or [N, 1])");
      return inputs;
    }
    TensorSpec result =
        new TensorSpec(
            output,
            DataType.FP32,
            List.of(shape.getFirst(), (long) classes.size()),
            classes,
            Map.of());
    return Tensors.put(inputs, TensorSpec::name, result);
  }
}
