package io.mlsys.transform;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorRows;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code concat: {tensors: [a, b], axis: 1, output: x}}: joins tensors of one datatype (any, BYTES
 * included) whose shapes are equal but on {@code axis} (1 or more: the batch axis 0 is never
 * joined).
 */
final class ConcatTransform implements Transform {
  private final StepPath step;
  private final List<String> names;
  private final int axis;
  private final String output;

  ConcatTransform(StepPath step, List<String> names, int axis, String output) {
    this.step = step;
    this.names = List.copyOf(names);
    this.axis = axis;
    this.output = output;
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    List<Tensor> parts = new ArrayList<>(names.size());
    for (String name : names) {
      parts.add(Tensors.require(tensors, name, step));
    }
    Tensor first = parts.getFirst();
    int rank = first.shape().length;
    int at = axis;
    if (at >= rank) {
      throw step.invalid(
          first.name(),
          "shape "
              + Tensors.shapeText(first.shape())
              + " has no axis "
              + axis
              + " (expected: rank "
              + (axis + 1)
              + " or more)");
    }
    for (Tensor part : parts) {
      if (part.datatype() != first.datatype()) {
        throw step.invalid(
            part.name(),
            "datatype "
                + part.datatype()
                + " (expected: "
                + first.datatype()
                + ", the datatype of "
                + first.name()
                + ")");
      }
      if (!sameButAxis(part.shape(), first.shape(), at)) {
        throw step.invalid(
            part.name(),
            "shape "
                + Tensors.shapeText(part.shape())
                + " (expected: the shape of "
                + first.name()
                + " "
                + Tensors.shapeText(first.shape())
                + " but on axis "
                + at
                + ")");
      }
    }
    Tensor joined = TensorRows.concat(parts, at);
    Tensor result = new Tensor(output, joined.datatype(), joined.shape(), joined.data());
    return Tensors.put(tensors, Tensor::name, result);
  }

  private static boolean sameButAxis(long[] shape, long[] reference, int at) {
    if (shape.length != reference.length) {
      return false;
    }
    long[] expected = reference.clone();
    expected[at] = shape[at];
    return Arrays.equals(shape, expected);
  }

  @Override
  public TensorAccess access() {
    return TensorAccess.of(names, List.of(output));
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    List<TensorSpec> parts = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      TensorSpec spec = Tensors.require(inputs, names.get(i), "tensors[" + i + "]", violations);
      if (spec == null) {
        return inputs;
      }
      parts.add(spec);
    }
    TensorSpec first = parts.getFirst();
    int rank = first.shape().size();
    int at = axis;
    if (at >= rank) {
      violations.accept(
          "axis",
          axis + " (expected: an axis of '" + first.name() + "' " + first.shape() + ", 1 or more)");
      return inputs;
    }
    long joined = 0;
    for (int i = 0; i < parts.size(); i++) {
      TensorSpec part = parts.get(i);
      String path = "tensors[" + i + "]";
      if (part.datatype() != first.datatype()) {
        violations.accept(
            path,
            "'"
                + part.name()
                + "' is "
                + part.datatype()
                + " (expected: "
                + first.datatype()
                + ", the datatype of '"
                + first.name()
                + "')");
        return inputs;
      }
      if (!compatibleButAxis(part.shape(), first.shape(), at)) {
        violations.accept(
            path,
            "'"
                + part.name()
                + "' has shape "
                + part.shape()
                + " (expected: the shape of '"
                + first.name()
                + "' "
                + first.shape()
                + " but on axis "
                + at
                + ")");
        return inputs;
      }
      long dim = part.shape().get(at);
      joined = joined < 0 || dim < 0 ? -1 : joined + dim;
    }
    List<Long> shape = new ArrayList<>(first.shape());
    shape.set(at, joined);
    return Tensors.put(
        inputs, TensorSpec::name, Tensors.spec(output, first.datatype(), List.copyOf(shape)));
  }

  private static boolean compatibleButAxis(List<Long> shape, List<Long> reference, int at) {
    if (shape.size() != reference.size()) {
      return false;
    }
    for (int i = 1; i < shape.size(); i++) {
      long a = shape.get(i);
      long b = reference.get(i);
      if (i != at && a >= 0 && b >= 0 && a != b) {
        return false;
      }
    }
    return true;
  }
}
