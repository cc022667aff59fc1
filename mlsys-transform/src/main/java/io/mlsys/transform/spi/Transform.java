package io.mlsys.transform.spi;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One step of a transform pipeline. Implementations are immutable and thread-safe: one instance
 * serves every request.
 *
 * <p>Rows are independent: dimension 0 of each tensor is the batch, and a step never mixes rows.
 */
public interface Transform {

  /**
   * Runs the step.
   *
   * @param tensors the tensors before the step, in order; not to be modified (their arrays are
   *     shared)
   * @return every tensor after the step: those the step does not touch in their order, an output
   *     replacing a tensor of the same name in its place, a new output appended
   * @throws io.mlsys.core.InvalidInputException naming the tensor when the data does not fit the
   *     step (a missing tensor, a wrong datatype or shape, a value out of range); never another
   *     exception for bad data
   */
  List<Tensor> apply(List<Tensor> tensors);

  /**
   * The signature after the step, given the signature before it (dimensions may be -1), without
   * data. Each problem is reported to {@code violations} with a path relative to the step (such as
   * {@code tensor}, or {@code ""} for the step itself) and the analysis goes on: the result is best
   * effort.
   */
  List<TensorSpec> outputSpecs(List<TensorSpec> inputs, BiConsumer<String, String> violations);

  /**
   * The tensors the step reads and writes by name, so that a graph whose request goes through the
   * step knows which tensors the request must have (and, where the step fixes them, their datatype
   * and shape). By default {@link TensorAccess#unknown()}: the step may read anything, and the
   * graph's input signature is then incomplete.
   */
  default TensorAccess access() {
    return TensorAccess.unknown();
  }
}
