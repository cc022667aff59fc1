package io.mlsys.transform;

import io.mlsys.config.ConfigViolation;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** The steps of a pipeline, each with its path in the list ({@code [1].scale}). */
final class CompiledPipeline implements TransformPipeline {
  private final List<Transform> steps;
  private final List<String> paths;
  private final List<String> kinds;

  CompiledPipeline(List<Transform> steps, List<String> paths, List<String> kinds) {
    this.steps = List.copyOf(steps);
    this.paths = List.copyOf(paths);
    this.kinds = List.copyOf(kinds);
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    List<Tensor> current = List.copyOf(tensors);
    for (Transform step : steps) {
      current = List.copyOf(step.apply(current));
    }
    return current;
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    List<TensorSpec> current = List.copyOf(inputs);
    for (int i = 0; i < steps.size(); i++) {
      String prefix = paths.get(i);
      current =
          List.copyOf(
              steps
                  .get(i)
                  .outputSpecs(
                      current,
                      (path, problem) ->
                          violations.accept(ConfigViolation.join(prefix, path), problem)));
    }
    return current;
  }

  @Override
  public List<TensorAccess> access() {
    List<TensorAccess> access = new ArrayList<>(steps.size());
    for (Transform step : steps) {
      access.add(step.access());
    }
    return List.copyOf(access);
  }

  @Override
  public List<String> kinds() {
    return kinds;
  }

  @Override
  public String toString() {
    return "TransformPipeline" + paths;
  }
}
