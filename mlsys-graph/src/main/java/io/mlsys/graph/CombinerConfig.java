package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.util.Objects;

/**
 * How an ensemble combines its branches' answers ({@code combine:}): a sealed family, each record
 * under its simple name in kebab-case ({@code weighted-mean: {output: p}}); {@code all} and {@code
 * first} may be written as a plain string. Each record checks its fields when built ({@link
 * ConfigException}, paths relative to the combiner's key).
 */
public sealed interface CombinerConfig {
  /** What {@code output} is expected to be, in messages. */
  String EXPECTED_OUTPUT = "the name of an output of the branches";

  /** Every branch's outputs, each renamed {@code BRANCH.TENSOR}. */
  record All() implements CombinerConfig {}

  /** The first branch to answer successfully; the response parameter {@code branch} names it. */
  record First() implements CombinerConfig {}

  /** The element-wise mean of {@code output} over the branches that answered. */
  record Mean(String output) implements CombinerConfig {
    /**
     * @throws ConfigException when the output is blank
     */
    public Mean {
      checkOutput(output);
    }
  }

  /** As {@link Mean}, each branch weighted by its {@code weight}. */
  record WeightedMean(String output) implements CombinerConfig {
    /**
     * @throws ConfigException when the output is blank
     */
    public WeightedMean {
      checkOutput(output);
    }
  }

  /** Per row, the value of {@code output} most branches gave (ties: the earliest branch). */
  record Vote(String output) implements CombinerConfig {
    /**
     * @throws ConfigException when the output is blank
     */
    public Vote {
      checkOutput(output);
    }
  }

  /**
   * Per row, the branch whose {@code output[row][column]} is highest: answers FP32 [N] {@code
   * scoreOutput} (that score) and BYTES [N] {@code labelOutput} (that branch's name).
   *
   * @param column the column of a [N, C] output; 0 for [N] or [N, 1]
   * @param scoreOutput default {@value #DEFAULT_SCORE_OUTPUT}
   * @param labelOutput default {@value #DEFAULT_LABEL_OUTPUT}
   */
  record Max(String output, Integer column, String scoreOutput, String labelOutput)
      implements CombinerConfig {
    public static final String DEFAULT_SCORE_OUTPUT = "score";
    public static final String DEFAULT_LABEL_OUTPUT = "label";

    /**
     * @throws ConfigException listing every invalid field
     */
    public Max {
      column = Objects.requireNonNullElse(column, 0);
      scoreOutput = Objects.requireNonNullElse(scoreOutput, DEFAULT_SCORE_OUTPUT);
      labelOutput = Objects.requireNonNullElse(labelOutput, DEFAULT_LABEL_OUTPUT);
      Violations violations = new Violations();
      if (violations.present("output", output, EXPECTED_OUTPUT)) {
        violations.name("output", output);
      }
      violations.check(column >= 0, "column", column, "an integer >= 0");
      violations.name("score-output", scoreOutput);
      violations.name("label-output", labelOutput);
      violations.check(
          !labelOutput.equals(scoreOutput),
          "label-output",
          labelOutput,
          "a name other than score-output");
      violations.throwIfAny(null);
    }

    /** Column 0 of {@code output}, answered as {@code score} and {@code label}. */
    public static Max of(String output) {
      return new Max(output, null, null, null);
    }
  }

  private static void checkOutput(String output) {
    Violations violations = new Violations();
    if (violations.present("output", output, EXPECTED_OUTPUT)) {
      violations.name("output", output);
    }
    violations.throwIfAny(null);
  }
}
