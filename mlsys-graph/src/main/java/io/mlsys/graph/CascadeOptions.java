package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigInline;
import io.mlsys.config.Violations;
import io.mlsys.graph.spi.NodeOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code cascade}: multiple-stage prediction, each stage but the last has an {@code accept} test;
 * rows it is confident about are answered there, the others go to the next stage.
 *
 * @param stages at least 2, cheapest first
 * @param stageOutput the name of the BYTES [N] output saying which stage answered each row; null:
 *     {@value #DEFAULT_STAGE_OUTPUT}
 */
public record CascadeOptions(List<Stage> stages, String stageOutput) implements NodeOptions {
  public static final String DEFAULT_STAGE_OUTPUT = "stage";

  static final String EXPECTED_STAGES = "a list of at least 2 stages";

  /**
   * @throws ConfigException when there are fewer than two stages, a stage name is repeated, a stage
   *     but the last has no {@code accept}, or the last has one
   */
  public CascadeOptions {
    stageOutput = Objects.requireNonNullElse(stageOutput, DEFAULT_STAGE_OUTPUT);
    Violations violations = new Violations();
    if (violations.present("stages", stages, EXPECTED_STAGES)) {
      stages = List.copyOf(stages);
      if (stages.size() < 2) {
        violations.add(
            "stages",
            (stages.size() == 1 ? "1 stage" : stages.size() + " stages")
                + " (expected: at least 2)");
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < stages.size(); i++) {
        Stage stage = stages.get(i);
        String path = "stages[" + i + "]";
        violations.check(
            seen.add(stage.name()), path + ".name", stage.name(), "each stage name once");
        boolean last = i == stages.size() - 1;
        if (!last && stage.accept() == null) {
          violations.add(
              path + ".accept",
              "missing (expected: {output, threshold} on every stage but the last)");
        }
        if (Boolean.TRUE.equals(stage.async()) && (!last || i == 0)) {
          violations.add(
              path + ".async",
              "true on "
                  + (last ? "the only stage" : "a stage but the last")
                  + " (expected: only the last stage answers later, after an earlier stage"
                  + " answered every row at once)");
        }
        if (last && stage.accept() != null && i > 0) {
          violations.add(
              path + ".accept",
              "not allowed on the last stage (expected: none; the last stage answers every row"
                  + " left)");
        }
      }
    }
    violations.name("stage-output", stageOutput);
    violations.throwIfAny(null);
  }

  /**
   * A cascade stage: a node and the keys of its place.
   *
   * @param node what the stage runs
   * @param name unique in the cascade; what {@code stage-output} holds
   * @param accept null for the last stage
   * @param async the last stage only: true runs it later, as a job; the caller gets the earlier
   *     stage's answer for every row at once, with the job that brings the last stage's answer for
   *     the rows the earlier stages did not accept. Null: false
   */
  public record Stage(@ConfigInline NodeConfig node, String name, Accept accept, Boolean async) {
    static final String EXPECTED_NAME = "a stage name of " + Checks.EXPECTED_NODE_NAME;

    /** A stage that runs when it is reached. */
    public Stage(NodeConfig node, String name, Accept accept) {
      this(node, name, accept, false);
    }

    /**
     * @throws ConfigException when the name is missing or invalid
     */
    public Stage {
      Objects.requireNonNull(node, "node");
      async = Objects.requireNonNullElse(async, false);
      Violations violations = new Violations();
      if (violations.present("name", name, EXPECTED_NAME)) {
        violations.check(Checks.NODE_NAME.matcher(name).matches(), "name", name, EXPECTED_NAME);
      }
      violations.throwIfAny(null);
    }
  }

  /**
   * A row is accepted when the highest value of its row of {@code output} is at least {@code
   * threshold} (a runtime parameter).
   */
  public record Accept(String output, Double threshold) {
    /**
     * @throws ConfigException when the output is blank or the threshold is not a finite number
     */
    public Accept {
      Violations violations = new Violations();
      if (violations.present("output", output, "the name of a stage output")) {
        violations.name("output", output);
      }
      if (violations.present("threshold", threshold, "a number, such as 0.9")) {
        violations.check(Double.isFinite(threshold), "threshold", threshold, "a finite number");
      }
      violations.throwIfAny(null);
    }
  }
}
