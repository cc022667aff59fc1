package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorRows;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** Finding tensors (and specs) by name and merging a step's outputs into the list. */
final class Tensors {
  private Tensors() {}

  /** The tensor of that name, or an invalid-input error listing the tensors present. */
  static Tensor require(List<Tensor> tensors, String name, StepPath step) {
    Tensor found = find(tensors, Tensor::name, name);
    if (found == null) {
      throw step.invalid(
          name,
          "missing (expected: one of the tensors present: " + names(tensors, Tensor::name) + ")");
    }
    return found;
  }

  /** The spec of that name, or null after reporting it at {@code path}. */
  static TensorSpec require(
      List<TensorSpec> specs, String name, String path, BiConsumer<String, String> violations) {
    TensorSpec found = find(specs, TensorSpec::name, name);
    if (found == null) {
      violations.accept(
          path,
          "'" + name + "' (expected: one of the tensors: " + names(specs, TensorSpec::name) + ")");
    }
    return found;
  }

  static <T> T find(List<T> items, Function<T, String> name, String wanted) {
    for (T item : items) {
      if (name.apply(item).equals(wanted)) {
        return item;
      }
    }
    return null;
  }

  /** The list with each output replacing the item of the same name in place, or appended. */
  @SafeVarargs
  static <T> List<T> put(List<T> items, Function<T, String> name, T... outputs) {
    List<T> result = new ArrayList<>(items);
    for (T output : outputs) {
      String wanted = name.apply(output);
      int index = -1;
      for (int i = 0; i < result.size(); i++) {
        if (name.apply(result.get(i)).equals(wanted)) {
          index = i;
          break;
        }
      }
      if (index >= 0) {
        result.set(index, output);
      } else {
        result.add(output);
      }
    }
    return List.copyOf(result);
  }

  static <T> String names(List<T> items, Function<T, String> name) {
    if (items.isEmpty()) {
      return "none";
    }
    List<String> names = new ArrayList<>();
    for (T item : items) {
      names.add(name.apply(item));
    }
    return String.join(", ", names);
  }

  static List<Long> shapeList(long... dims) {
    List<Long> shape = new ArrayList<>(dims.length);
    for (long dim : dims) {
      shape.add(dim);
    }
    return List.copyOf(shape);
  }

  static String shapeText(long[] shape) {
    return Arrays.toString(shape);
  }

  /** The row an element belongs to, for error messages. */
  static long rowOf(long[] shape, int element) {
    int rowSize = TensorRows.rowSize(shape);
    return rowSize == 0 ? 0 : element / rowSize;
  }

  /** An output spec with no classes or parameters. */
  static TensorSpec spec(String name, DataType datatype, List<Long> shape) {
    return new TensorSpec(name, datatype, shape);
  }
}
