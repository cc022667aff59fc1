package io.mlsys.config;

import java.util.Objects;

/**
 * How an ensemble combines its branches' answers ({@code combine:}); {@code all} and {@code first}
 * may be written as a plain string.
 */
public sealed interface CombinerConfig {

  /** Every branch's outputs, each renamed {@code BRANCH.TENSOR}. */
  record All() implements CombinerConfig {}

  /** The first branch to answer successfully; the response parameter {@code branch} names it. */
  record First() implements CombinerConfig {}

  /** The element-wise mean of {@code output} over the branches that answered. */
  record Mean(String output) implements CombinerConfig {
    public Mean {
      Objects.requireNonNull(output, "output");
    }
  }

  /** As {@link Mean}, each branch weighted by its {@code weight}. */
  record WeightedMean(String output) implements CombinerConfig {
    public WeightedMean {
      Objects.requireNonNull(output, "output");
    }
  }

  /** Per row, the value of {@code output} most branches gave (ties: the earliest branch). */
  record Vote(String output) implements CombinerConfig {
    public Vote {
      Objects.requireNonNull(output, "output");
    }
  }

  /**
   * Per row, the branch whose {@code output[row][column]} is highest: answers FP32 [N] {@code
   * scoreOutput} (that score) and BYTES [N] {@code labelOutput} (that branch's name).
   *
   * @param column the column of a [N, C] output; 0 for [N] or [N, 1]
   */
  record Max(String output, int column, String scoreOutput, String labelOutput)
      implements CombinerConfig {
    public static final String DEFAULT_SCORE_OUTPUT = "score";
    public static final String DEFAULT_LABEL_OUTPUT = "label";

    public Max {
      Objects.requireNonNull(output, "output");
      if (column < 0) {
        throw new ConfigException("column", column + " (expected: an integer >= 0)");
      }
      scoreOutput = Objects.requireNonNullElse(scoreOutput, DEFAULT_SCORE_OUTPUT);
      labelOutput = Objects.requireNonNullElse(labelOutput, DEFAULT_LABEL_OUTPUT);
    }
  }
}
