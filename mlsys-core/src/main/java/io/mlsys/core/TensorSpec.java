package io.mlsys.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a model signature: name, datatype and shape, with -1 for a dynamic dimension.
 *
 * @param classes for an output whose last dimension is one column per class (such as a probability
 *     tensor made from a scikit-learn ZipMap), the class key of each column in order; empty
 *     otherwise
 * @param parameters extra facts about the tensor
 */
public record TensorSpec(
    String name,
    DataType datatype,
    List<Long> shape,
    List<String> classes,
    Map<String, Object> parameters) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datatype, "datatype");
    shape = List.copyOf(shape);
    classes = List.copyOf(classes);
    parameters = Parameters.copyOf(parameters, "parameters");
  }

  public TensorSpec(String name, DataType datatype, List<Long> shape) {
    this(name, datatype, shape, List.of(), Map.of());
  }

  /** Whether a concrete shape fits this spec (same rank; equal or dynamic dimensions). */
  public boolean accepts(long[] concrete) {
    if (concrete.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < concrete.length; i++) {
      long expected = shape.get(i);
      if (expected >= 0 && expected != concrete[i]) {
        return false;
      }
    }
    return true;
  }
}
