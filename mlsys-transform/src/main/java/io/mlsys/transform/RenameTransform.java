package io.mlsys.transform;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * {@code rename: {old: new}}. All names change at once (so {@code {a: b, b: a}} swaps); a renamed
 * tensor keeps its place and replaces a tensor that already had its new name.
 */
final class RenameTransform implements Transform {
  private final StepPath step;
  private final Map<String, String> names;

  /** New name to old name, in the order config gave them. */
  private final Map<String, String> moves = new LinkedHashMap<>();

  RenameTransform(StepPath step, Map<String, String> names) {
    this.step = step;
    this.names = new TreeMap<>(names);
    names.forEach((old, renamed) -> moves.put(renamed, old));
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    for (String old : names.keySet()) {
      Tensors.require(tensors, old, step);
    }
    Set<String> targets = new HashSet<>(names.values());
    List<Tensor> result = new ArrayList<>(tensors.size());
    for (Tensor tensor : tensors) {
      String renamed = names.get(tensor.name());
      if (renamed != null) {
        result.add(tensor.withName(renamed));
      } else if (!targets.contains(tensor.name())) {
        result.add(tensor);
      }
    }
    return List.copyOf(result);
  }

  @Override
  public TensorAccess access() {
    // Every name changes at once: each new name moves from its old one.
    return TensorAccess.moving(moves, true);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    for (String old : names.keySet()) {
      Tensors.require(inputs, old, old, violations);
    }
    Set<String> targets = new HashSet<>(names.values());
    List<TensorSpec> result = new ArrayList<>(inputs.size());
    for (TensorSpec spec : inputs) {
      String renamed = names.get(spec.name());
      if (renamed != null) {
        result.add(
            new TensorSpec(
                renamed, spec.datatype(), spec.shape(), spec.classes(), spec.parameters()));
      } else if (!targets.contains(spec.name())) {
        result.add(spec);
      }
    }
    return List.copyOf(result);
  }
}
