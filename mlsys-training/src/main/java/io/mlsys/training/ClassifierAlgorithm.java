package io.mlsys.training;

import io.mlsys.core.InvalidInputException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.fm.FMClassificationTrainer;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * The Tribuo classifiers {@code mlsys train} offers: those whose models Tribuo 4.3.2 exports to
 * ONNX with class probabilities (its linear SGD and factorization machine models; LibSVM and
 * LibLinear export too but bring native libraries, and the SGD hinge loss gives no probabilities).
 * Each has its hyperparameters with defaults, set by name.
 */
public enum ClassifierAlgorithm {
  /** Multinomial logistic regression: linear SGD with the log loss and AdaGrad. */
  LOGISTIC_REGRESSION(
      "logistic-regression",
      List.of(
          Parameter.integer("epochs", IrisDemoConfig.DEFAULT_EPOCHS, 1, IrisDemoConfig.MAX_EPOCHS),
          Parameter.positive("learning-rate", IrisDemoConfig.DEFAULT_LEARNING_RATE),
          Parameter.positive("epsilon", IrisDemo.ADAGRAD_EPSILON),
          Parameter.integer(
              "minibatch-size", IrisDemoConfig.DEFAULT_MINIBATCH_SIZE, 1, MaxValues.MINIBATCH))),
  /**
   * A factorization machine with the log loss and AdaGrad: a linear model plus pairwise feature
   * interactions through factors of {@code factor-size}.
   */
  FACTORIZATION_MACHINE(
      "factorization-machine",
      List.of(
          Parameter.integer("epochs", 100, 1, IrisDemoConfig.MAX_EPOCHS),
          Parameter.positive("learning-rate", 0.1),
          Parameter.positive("epsilon", IrisDemo.ADAGRAD_EPSILON),
          Parameter.integer("minibatch-size", 10, 1, MaxValues.MINIBATCH),
          Parameter.integer("factor-size", 4, 1, MaxValues.FACTORS),
          Parameter.positive("variance", 0.1)));

  /** The algorithm when none is named. */
  public static final ClassifierAlgorithm DEFAULT = LOGISTIC_REGRESSION;

  private final String key;
  private final List<Parameter> parameters;

  ClassifierAlgorithm(String key, List<Parameter> parameters) {
    this.key = key;
    this.parameters = parameters;
  }

  /** Upper bounds that keep a typo from training for hours or filling memory. */
  private static final class MaxValues {
    static final int MINIBATCH = 1_000_000;
    static final int FACTORS = 1_000;
  }

  /**
   * One hyperparameter: its name, its default, and its range.
   *
   * @param integer whether it takes whole numbers only
   * @param min smallest value; exclusive when {@code minExclusive}
   * @param max largest value
   */
  public record Parameter(
      String name,
      String defaultValue,
      boolean integer,
      double min,
      boolean minExclusive,
      double max) {
    static Parameter integer(String name, int defaultValue, int min, int max) {
      return new Parameter(name, Integer.toString(defaultValue), true, min, false, max);
    }

    static Parameter positive(String name, double defaultValue) {
      return new Parameter(name, Double.toString(defaultValue), false, 0, true, Double.MAX_VALUE);
    }

    String expected() {
      if (integer) {
        return "a whole number between " + (long) min + " and " + (long) max;
      }
      return minExclusive ? "a number > " + format(min) : "a number >= " + format(min);
    }

    /** The value as text in its canonical form, after the range check. */
    String check(String value, String field) {
      double number;
      try {
        number = integer ? Long.parseLong(value.strip()) : Double.parseDouble(value.strip());
      } catch (NumberFormatException e) {
        throw new InvalidInputException(field, "'" + value + "' (expected: " + expected() + ")");
      }
      boolean tooLow = minExclusive ? !(number > min) : !(number >= min);
      if (tooLow || !(number <= max) || Double.isNaN(number)) {
        throw new InvalidInputException(field, "'" + value + "' (expected: " + expected() + ")");
      }
      return integer ? Long.toString((long) number) : Double.toString(number);
    }

    private static String format(double value) {
      return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
  }

  /** The name on the command line, e.g. {@code logistic-regression}. */
  public String key() {
    return key;
  }

  /** Its hyperparameters, in order. */
  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * The algorithm named {@code key}.
   *
   * @throws InvalidInputException naming {@code algorithm} when there is none of that name
   */
  public static ClassifierAlgorithm of(String key) {
    for (ClassifierAlgorithm algorithm : values()) {
      if (algorithm.key.equals(key == null ? null : key.strip().toLowerCase(Locale.ROOT))) {
        return algorithm;
      }
    }
    throw new InvalidInputException("algorithm", "'" + key + "' (expected one of: " + keys() + ")");
  }

  /** Every algorithm's key, comma-separated. */
  public static String keys() {
    return Arrays.stream(values()).map(ClassifierAlgorithm::key).collect(Collectors.joining(", "));
  }

  /**
   * Every hyperparameter's value: those given, checked, and the defaults of the others, in the
   * algorithm's order.
   *
   * @throws InvalidInputException naming {@code param.<name>} for an unknown name or a bad value
   */
  public Map<String, String> resolve(Map<String, String> given) {
    Map<String, String> remaining = new LinkedHashMap<>(given == null ? Map.of() : given);
    Map<String, String> resolved = new LinkedHashMap<>();
    for (Parameter parameter : parameters) {
      String value = remaining.remove(parameter.name());
      resolved.put(
          parameter.name(),
          value == null
              ? parameter.defaultValue()
              : parameter.check(value, "param." + parameter.name()));
    }
    if (!remaining.isEmpty()) {
      String unknown = remaining.keySet().iterator().next();
      throw new InvalidInputException(
          "param." + unknown,
          "unknown hyperparameter of "
              + key
              + " (expected one of: "
              + parameters.stream().map(Parameter::name).collect(Collectors.joining(", "))
              + ")");
    }
    return resolved;
  }

  /** A new trainer with {@code resolved} hyperparameters (from {@link #resolve}). */
  Trainer<Label> trainer(Map<String, String> resolved, long seed) {
    int epochs = Integer.parseInt(resolved.get("epochs"));
    int minibatch = Integer.parseInt(resolved.get("minibatch-size"));
    AdaGrad optimiser =
        new AdaGrad(
            Double.parseDouble(resolved.get("learning-rate")),
            Double.parseDouble(resolved.get("epsilon")));
    return switch (this) {
      case LOGISTIC_REGRESSION ->
          new LinearSGDTrainer(new LogMulticlass(), optimiser, epochs, -1, minibatch, seed);
      case FACTORIZATION_MACHINE ->
          new FMClassificationTrainer(
              new LogMulticlass(),
              optimiser,
              epochs,
              -1,
              minibatch,
              seed,
              Integer.parseInt(resolved.get("factor-size")),
              Double.parseDouble(resolved.get("variance")));
    };
  }
}
