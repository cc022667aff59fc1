package io.mlsys.transform;

import io.mlsys.config.ConfigViolation;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The steps of a pipeline, each with its path in the list ({@code [1].scale}), and whether its
 * options are the step's own keys (a custom transform written under its name, {@code [1].clip}):
 * then what the step reports at {@code options.max} is at {@code [1].clip.max}.
 */
final class CompiledPipeline implements TransformPipeline {
  private static final String OPTIONS = "options";

  private final List<Transform> steps;
  private final List<String> paths;
  private final List<String> kinds;
  private final List<Boolean> inlineOptions;

  CompiledPipeline(
      List<Transform> steps, List<String> paths, List<String> kinds, List<Boolean> inlineOptions) {
    this.steps = List.copyOf(steps);
    this.paths = List.copyOf(paths);
    this.kinds = List.copyOf(kinds);
    this.inlineOptions = List.copyOf(inlineOptions);
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
      boolean inline = inlineOptions.get(i);
      current =
          List.copyOf(
              steps
                  .get(i)
                  .outputSpecs(
                      current,
                      (path, problem) ->
                          violations.accept(
                              ConfigViolation.join(prefix, inline ? withoutOptions(path) : path),
                              problem)));
    }
    return current;
  }

  /** {@code options.max} is {@code max}, {@code options} the step itself. */
  private static String withoutOptions(String path) {
    if (path.equals(OPTIONS)) {
      return "";
    }
    return path.startsWith(OPTIONS + ".") ? path.substring(OPTIONS.length() + 1) : path;
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
