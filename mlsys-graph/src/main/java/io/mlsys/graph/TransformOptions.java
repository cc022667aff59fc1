package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import io.mlsys.transform.TransformConfig;
import java.util.List;

/**
 * {@code transform}: declarative pre/post-processing, the steps run in order on the tensors ({@code
 * transform: [ {scale: {...}}, {softmax: {...}} ]}); tensors no step touches pass through.
 *
 * @param steps the steps (mlsys-transform), at least one
 */
public record TransformOptions(List<TransformConfig> steps) implements NodeOptions {
  static final String EXPECTED_STEPS = "a non-empty list of transform steps";

  /**
   * @throws ConfigException when there is no step
   */
  public TransformOptions {
    Violations violations = new Violations();
    if (violations.present("", steps, EXPECTED_STEPS)) {
      steps = List.copyOf(steps);
      violations.check(!steps.isEmpty(), "", steps, EXPECTED_STEPS);
    }
    violations.throwIfAny(null);
  }

  /** These steps. */
  public static TransformOptions of(TransformConfig... steps) {
    return new TransformOptions(List.of(steps));
  }
}
