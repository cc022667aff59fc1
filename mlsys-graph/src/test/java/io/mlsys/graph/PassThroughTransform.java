package io.mlsys.graph;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.Transform;
import io.mlsys.transform.spi.TransformProvider;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A custom transform for tests, installed through META-INF/services: {@code pass-through} answers
 * its tensors unchanged and does not say what it reads.
 */
public final class PassThroughTransform implements TransformProvider {

  @Override
  public String name() {
    return "pass-through";
  }

  @Override
  public Transform create(Map<String, Object> options) {
    return new Transform() {
      @Override
      public List<Tensor> apply(List<Tensor> tensors) {
        return tensors;
      }

      @Override
      public List<TensorSpec> outputSpecs(
          List<TensorSpec> inputs, BiConsumer<String, String> violations) {
        return inputs;
      }
    };
  }
}
