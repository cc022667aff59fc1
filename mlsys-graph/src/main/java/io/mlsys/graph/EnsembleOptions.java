package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.util.Map;
import java.util.Objects;

/**
 * {@code ensemble}: branches in parallel (microservice horizontal), combined by {@code combine}.
 *
 * @param branches branch name to branch, in order (an unmodifiable copy keeps the order of the map
 *     given)
 * @param combine how the answers are combined
 */
public record EnsembleOptions(Map<String, Branch> branches, CombinerConfig combine)
    implements NodeOptions {
  static final String EXPECTED_BRANCH_NAME = "a branch name of " + Checks.EXPECTED_NODE_NAME;
  static final String EXPECTED_BRANCHES = "a mapping of at least one branch name to branch";
  static final String EXPECTED_COMBINE =
      "all, first, or a mapping with one of: all: {}, first: {}, mean: {output}, weighted-mean:"
          + " {output}, vote: {output}, max: {output, column, score-output, label-output}";

  /**
   * @throws ConfigException listing a missing part and every invalid branch name
   */
  public EnsembleOptions {
    Violations violations = new Violations();
    if (violations.present("branches", branches, "a mapping of branch name to branch")) {
      branches = Checks.orderedCopy(branches);
      violations.check(!branches.isEmpty(), "branches", branches, EXPECTED_BRANCHES);
      for (String name : branches.keySet()) {
        violations.check(
            Checks.NODE_NAME.matcher(name).matches(),
            "branches." + name,
            name,
            EXPECTED_BRANCH_NAME);
      }
    }
    violations.present("combine", combine, EXPECTED_COMBINE);
    violations.throwIfAny(null);
  }

  /**
   * An ensemble branch: a node and the keys of its place.
   *
   * @param node what the branch runs
   * @param policy whether a failed or late branch fails the call (required) or is left out
   *     (optional); null: required
   * @param active a runtime parameter: an inactive branch is not called at all; null: true
   * @param weight for {@code weighted-mean}, >= 0, a runtime parameter; null: 1
   * @param inputs input name of this branch -> {@code request.TENSOR}; empty (or null): the
   *     request's inputs
   */
  public record Branch(
      @ConfigInline NodeConfig node,
      BranchPolicy policy,
      Boolean active,
      Double weight,
      Map<String, TensorRef> inputs) {
    /**
     * @throws ConfigException when the weight is negative or not finite, or an input does not read
     *     the request
     */
    public Branch {
      Objects.requireNonNull(node, "node");
      policy = Objects.requireNonNullElse(policy, BranchPolicy.REQUIRED);
      active = active == null || active;
      weight = Objects.requireNonNullElse(weight, 1.0);
      inputs = Checks.orderedCopy(inputs);
      Violations violations = new Violations();
      violations.check(
          weight >= 0 && !weight.isInfinite(), "weight", weight, "a finite number >= 0");
      for (Map.Entry<String, TensorRef> input : inputs.entrySet()) {
        violations.check(
            input.getValue().node().equals(TensorRef.REQUEST),
            "inputs." + input.getKey(),
            input.getValue().toString(),
            "request.TENSOR: branches read the request only");
      }
      violations.throwIfAny(null);
    }

    /** A required, active branch of weight 1 on the request's inputs. */
    public static Branch of(NodeConfig node) {
      return new Branch(node, null, null, null, null);
    }
  }

  /** {@code required} (default) or {@code optional}. */
  public enum BranchPolicy {
    REQUIRED,
    OPTIONAL
  }
}
