package io.mlsys.transform;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/** {@code select: [a, b]}: only these tensors, in this order. */
final class SelectTransform implements Transform {
  private final StepPath step;
  private final List<String> names;

  SelectTransform(StepPath step, List<String> names) {
    this.step = step;
    this.names = List.copyOf(names);
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    List<Tensor> result = new ArrayList<>(names.size());
    for (String name : names) {
      result.add(Tensors.require(tensors, name, step));
    }
    return List.copyOf(result);
  }

  @Override
  public TensorAccess access() {
    Map<String, String> moves = new LinkedHashMap<>();
    for (String name : names) {
      moves.put(name, name);
    }
    return TensorAccess.moving(moves, false);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    List<TensorSpec> result = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      TensorSpec spec = Tensors.require(inputs, names.get(i), "[" + i + "]", violations);
      if (spec != null) {
        result.add(spec);
      }
    }
    return List.copyOf(result);
  }
}
