package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.Transform;
import io.mlsys.transform.spi.TransformProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A custom transform for tests, installed through META-INF/services: {@code add-constant} adds
 * {@code value} to every element of the FP32 tensor {@code tensor}.
 */
public final class AddConstantProvider implements TransformProvider {

  @Override
  public String name() {
    return "add-constant";
  }

  @Override
  public Transform create(Map<String, Object> options) {
    if (!(options.get("tensor") instanceof String tensor)) {
      throw new IllegalArgumentException(
          "tensor: " + options.get("tensor") + " (expected: a tensor name)");
    }
    if (!(options.get("value") instanceof Number value)) {
      throw new IllegalArgumentException(
          "value: " + options.get("value") + " (expected: a number)");
    }
    return new AddConstant(tensor, value.floatValue());
  }

  private record AddConstant(String tensor, float value) implements Transform {
    @Override
    public List<Tensor> apply(List<Tensor> tensors) {
      List<Tensor> out = new ArrayList<>();
      boolean found = false;
      for (Tensor t : tensors) {
        if (t.name().equals(tensor)) {
          if (t.datatype() != DataType.FP32) {
            throw new InvalidInputException("inputs." + tensor, t.datatype() + " (expected: FP32)");
          }
          float[] values = t.floats().clone();
          for (int i = 0; i < values.length; i++) {
            values[i] += value;
          }
          out.add(Tensor.ofFloats(tensor, t.shape(), values));
          found = true;
        } else {
          out.add(t);
        }
      }
      if (!found) {
        throw new InvalidInputException("inputs." + tensor, "missing (expected: a tensor)");
      }
      return out;
    }

    @Override
    public List<TensorSpec> outputSpecs(
        List<TensorSpec> inputs, BiConsumer<String, String> violations) {
      for (TensorSpec spec : inputs) {
        if (spec.name().equals(tensor) && spec.datatype() != DataType.FP32) {
          violations.accept(
              "options.tensor", "'" + tensor + "' is " + spec.datatype() + " (expected: FP32)");
        }
      }
      return inputs;
    }
  }
}
