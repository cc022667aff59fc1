package io.mlsys.transform;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import io.mlsys.transform.spi.TransformProvider;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BiConsumer;

/**
 * A compiled list of transform steps (declarative pre- and post-processing). Immutable,
 * thread-safe, reused across requests.
 *
 * <p>Each step reads tensors by name and writes its output under its {@code output} name, or under
 * the name of the tensor it read when there is none. Rows are independent: dimension 0 is the
 * batch. Arithmetic is FP32 (FP64 inputs stay FP64 where the step keeps the datatype). See {@code
 * docs/transforms.md} for every step.
 */
public interface TransformPipeline {

  /**
   * Compiles the steps: checks every option, reads labels files and finds custom transforms with
   * {@link ServiceLoader} (on the thread's context class loader).
   *
   * @throws io.mlsys.config.ConfigException listing every problem, each with a path relative to the
   *     list, e.g. {@code [2].custom.name: 'foo' (expected: one of the installed transforms: a, b)}
   */
  static TransformPipeline compile(List<TransformConfig> steps) {
    return StepCompiler.compile(steps, StepCompiler::installedProviders);
  }

  /** As {@link #compile(List)}, with these providers instead of the installed ones. */
  static TransformPipeline compile(List<TransformConfig> steps, List<TransformProvider> providers) {
    List<TransformProvider> copy = List.copyOf(providers);
    return StepCompiler.compile(steps, () -> copy);
  }

  /**
   * Runs every step in order. Tensors no step touches pass through in their order; a step's output
   * replaces a tensor of the same name or is appended.
   *
   * @throws io.mlsys.core.InvalidInputException naming the tensor and the step, e.g. {@code
   *     inputs.image: row 0 is not a JPEG or PNG image (expected: ...) at step [0].image}
   */
  List<Tensor> apply(List<Tensor> tensors);

  /**
   * The signature after the pipeline given the signature before it (shapes may hold -1), for
   * validation when a model or graph is loaded; nothing runs. Each problem (a tensor a step reads
   * does not exist, a wrong datatype, a last dimension that does not fit the number of mean values,
   * ...) is reported to {@code violations} with a path relative to the list, such as {@code
   * [1].scale.tensor}, and the analysis goes on: the result is best effort.
   */
  List<TensorSpec> outputSpecs(List<TensorSpec> inputs, BiConsumer<String, String> violations);

  /**
   * What each step reads and writes, in order ({@link Transform#access()}): a caller that knows
   * what is read after the pipeline walks them backwards to know what must be there before it.
   */
  List<TensorAccess> access();

  /**
   * Each step's kind as config names it, a custom step followed by its name: {@code [scale, custom
   * add-constant]}.
   */
  List<String> kinds();
}
