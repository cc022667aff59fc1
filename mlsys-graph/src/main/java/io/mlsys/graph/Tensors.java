package io.mlsys.graph;

import io.mlsys.core.Tensor;
import java.util.List;

/** Finding a tensor by name in a node's inputs or answer. */
final class Tensors {
  private Tensors() {}

  /** The tensor named {@code name}, or null. */
  static Tensor find(List<Tensor> tensors, String name) {
    for (Tensor tensor : tensors) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    return null;
  }
}
