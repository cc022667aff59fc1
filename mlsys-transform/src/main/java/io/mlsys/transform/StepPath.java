package io.mlsys.transform;

import io.mlsys.core.InvalidInputException;

/**
 * Where a built-in step sits in its pipeline, such as {@code [2].image}, so that a runtime error
 * names both the tensor and the step.
 */
record StepPath(String path) {

  /** {@code inputs.<tensor>: <problem> at step <path>}. */
  InvalidInputException invalid(String tensor, String problem) {
    return new InvalidInputException("inputs." + tensor, problem + " at step " + path);
  }
}
