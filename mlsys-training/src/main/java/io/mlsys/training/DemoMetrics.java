package io.mlsys.training;

import io.mlsys.core.InvalidInputException;
import java.util.Locale;

/**
 * How well the demo model does on the rows held out from training.
 *
 * @param accuracy share of held-out rows predicted right, in [0, 1]
 * @param macroF1 F1 averaged over the classes, in [0, 1]
 * @param trainRows rows used for training
 * @param testRows rows held out for this evaluation
 * @param seed the seed of the split and of training
 */
public record DemoMetrics(double accuracy, double macroF1, int trainRows, int testRows, long seed) {
  public DemoMetrics {
    if (!(accuracy >= 0.0 && accuracy <= 1.0)) {
      throw new InvalidInputException("accuracy", accuracy + " (expected: between 0 and 1)");
    }
    if (!(macroF1 >= 0.0 && macroF1 <= 1.0)) {
      throw new InvalidInputException("macroF1", macroF1 + " (expected: between 0 and 1)");
    }
    if (trainRows < 1) {
      throw new InvalidInputException("trainRows", trainRows + " (expected: >= 1)");
    }
    if (testRows < 1) {
      throw new InvalidInputException("testRows", testRows + " (expected: >= 1)");
    }
  }

  /** One line for people, e.g. {@code accuracy 0.956, macro F1 0.955 on 45 held-out rows...}. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "accuracy %.3f, macro F1 %.3f on %d held-out rows (trained on %d rows, seed %d)",
        accuracy,
        macroF1,
        testRows,
        trainRows,
        seed);
  }
}
