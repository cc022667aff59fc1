package io.mlsys.training;

import io.mlsys.core.InvalidInputException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ClassifierTraining} trains: which data, which columns, which algorithm with which
 * hyperparameters, and how the rows are split.
 *
 * @param data a CSV file with a header line; null for the Iris data bundled with mlsys
 * @param response the column holding the class
 * @param features the feature columns (numbers), in the model's input order; empty for every column
 *     but the response, in the file's order
 * @param algorithm the Tribuo classifier
 * @param parameters hyperparameters by name; those not given take the algorithm's defaults
 * @param trainProportion share of rows trained on; the rest are held out for evaluation
 * @param seed seeds the split and the trainer: the same config on the same data gives the same
 *     model
 */
public record TrainingConfig(
    Path data,
    String response,
    List<String> features,
    ClassifierAlgorithm algorithm,
    Map<String, String> parameters,
    double trainProportion,
    long seed) {

  /** The class column of the bundled Iris data: {@value}. */
  public static final String DEFAULT_RESPONSE = IrisDemo.RESPONSE_NAME;

  public TrainingConfig {
    response = Objects.requireNonNullElse(response, DEFAULT_RESPONSE);
    features = features == null ? List.of() : List.copyOf(features);
    algorithm = Objects.requireNonNullElse(algorithm, ClassifierAlgorithm.DEFAULT);
    parameters =
        parameters == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    if (!(trainProportion > 0.0 && trainProportion < 1.0)) {
      throw new InvalidInputException(
          "trainProportion", trainProportion + " (expected: > 0 and < 1)");
    }
    if (response.isBlank()) {
      throw new InvalidInputException("response", "empty (expected: a column name)");
    }
    if (new HashSet<>(features).size() != features.size()) {
      throw new InvalidInputException("features", features + " (expected: each column once)");
    }
    if (features.contains(response)) {
      throw new InvalidInputException(
          "features", "'" + response + "' is the response column (expected: feature columns)");
    }
  }

  /**
   * The bundled Iris data, logistic regression with its defaults, a 70/30 split with seed {@value
   * IrisDemoConfig#DEFAULT_SEED}.
   */
  public static TrainingConfig defaults() {
    return new TrainingConfig(
        null,
        DEFAULT_RESPONSE,
        List.of(),
        ClassifierAlgorithm.DEFAULT,
        Map.of(),
        IrisDemoConfig.DEFAULT_TRAIN_PROPORTION,
        IrisDemoConfig.DEFAULT_SEED);
  }

  public TrainingConfig withData(Path newData) {
    return new TrainingConfig(
        newData, response, features, algorithm, parameters, trainProportion, seed);
  }

  public TrainingConfig withAlgorithm(
      ClassifierAlgorithm newAlgorithm, Map<String, String> newParameters) {
    return new TrainingConfig(
        data, response, features, newAlgorithm, newParameters, trainProportion, seed);
  }

  public TrainingConfig withSplit(double newTrainProportion, long newSeed) {
    return new TrainingConfig(
        data, response, features, algorithm, parameters, newTrainProportion, newSeed);
  }

  public TrainingConfig withColumns(String newResponse, List<String> newFeatures) {
    return new TrainingConfig(
        data, newResponse, newFeatures, algorithm, parameters, trainProportion, seed);
  }

  /** How the rows are split, for lineage: e.g. {@code train 0.7 / test 0.3, seed 42}. */
  public String splitDescription() {
    return splitDescription(trainProportion, seed);
  }

  static String splitDescription(double trainProportion, long seed) {
    return String.format(
        java.util.Locale.ROOT,
        "train %s / test %s, seed %d",
        trim(trainProportion),
        trim(Math.round((1 - trainProportion) * 1e9) / 1e9),
        seed);
  }

  private static String trim(double value) {
    String text = Double.toString(value);
    return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
  }
}
