package io.mlsys.transform;

import io.mlsys.core.Tensor;
import java.util.List;

/** Compiling single steps for tests, without looking for installed providers. */
final class Steps {
  private Steps() {}

  static TransformPipeline pipeline(TransformConfig... steps) {
    return TransformPipeline.compile(List.of(steps), List.of());
  }

  /** Runs the steps on the tensors and answers the tensor of that name. */
  static Tensor run(String name, List<Tensor> tensors, TransformConfig... steps) {
    return pipeline(steps).apply(tensors).stream()
        .filter(t -> t.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no output " + name));
  }

  static long[] shape(long... dims) {
    return dims;
  }
}
