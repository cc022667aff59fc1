package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sequence}: steps in order (microservice vertical), an ordered mapping of step name to step
 * ({@code sequence: {prep: {...}, classify: {...}}}). Each step's input is the previous step's
 * outputs (the first step's: the request's inputs) unless the step names its {@code inputs}. The
 * answer is the last step that ran.
 *
 * @param steps step name to step, in order (an unmodifiable copy keeps the order of the map given)
 */
public record SequenceOptions(@ConfigInline Map<String, Step> steps) implements NodeOptions {
  static final String EXPECTED_STEP_NAME =
      "a step name of " + Checks.EXPECTED_NODE_NAME + ", other than 'request'";

  /**
   * @throws ConfigException listing every invalid step name, every input and every {@code
   *     outputs.STEP} of a rule that does not name the request or an earlier step
   */
  public SequenceOptions {
    steps = Checks.orderedCopy(steps);
    Violations violations = new Violations();
    violations.check(
        !steps.isEmpty(), "", steps, "a mapping of at least one step name to step, in order");
    List<String> earlier = new ArrayList<>();
    for (Map.Entry<String, Step> entry : steps.entrySet()) {
      String name = entry.getKey();
      Step step = entry.getValue();
      if (!Checks.NODE_NAME.matcher(name).matches() || name.equals(TensorRef.REQUEST)) {
        violations.invalid(name, name, EXPECTED_STEP_NAME);
      }
      for (Map.Entry<String, TensorRef> input : step.inputs().entrySet()) {
        TensorRef source = input.getValue();
        if (!source.node().equals(TensorRef.REQUEST) && !earlier.contains(source.node())) {
          violations.invalid(
              name + ".inputs." + input.getKey(),
              source.toString(),
              "request.TENSOR or STEP.TENSOR of an earlier step, one of: "
                  + String.join(", ", sources(earlier)));
        }
      }
      if (step.when() != null) {
        for (TensorRead read : step.when().reads()) {
          if (read.step() != null && !earlier.contains(read.step())) {
            violations.invalid(
                name + ".when",
                step.when().source(),
                "outputs of earlier steps only; '" + read.step() + "' is not an earlier step");
            break;
          }
        }
      }
      earlier.add(name);
    }
    violations.throwIfAny(null);
  }

  private static List<String> sources(List<String> earlier) {
    List<String> sources = new ArrayList<>();
    sources.add(TensorRef.REQUEST);
    sources.addAll(earlier);
    return sources;
  }

  /**
   * A sequence step: a node and the keys of its place.
   *
   * @param node what the step runs
   * @param when run the step only when this holds (null: always); it may read {@code outputs.STEP}
   *     of earlier steps
   * @param inputs input name of this step -> source {@code request.TENSOR} or {@code STEP.TENSOR};
   *     empty (or null): the previous step's outputs
   * @param active a runtime parameter: an inactive step is skipped; null: true
   */
  public record Step(
      @ConfigInline NodeConfig node,
      Condition when,
      Map<String, TensorRef> inputs,
      Boolean active) {
    public Step {
      Objects.requireNonNull(node, "node");
      inputs = Checks.orderedCopy(inputs);
      active = active == null || active;
    }

    /** A step that always runs this node on the previous step's outputs. */
    public static Step of(NodeConfig node) {
      return new Step(node, null, null, null);
    }
  }
}
