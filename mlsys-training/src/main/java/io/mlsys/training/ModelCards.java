package io.mlsys.training;

import io.mlsys.registry.ModelCard;
import java.util.List;
import java.util.Map;

/** The model cards {@code mlsys train} writes when none is given. */
public final class ModelCards {
  /** What each Iris column measures (all in centimetres). */
  private static final Map<String, String> IRIS_INPUTS =
      Map.of(
          "sepal_length", "sepal length",
          "sepal_width", "sepal width",
          "petal_length", "petal length",
          "petal_width", "petal width");

  private ModelCards() {}

  /**
   * The card of a trained classifier: for the bundled Iris data, what the Iris demo is (inputs in
   * cm); for other data, what can be said from the data alone.
   */
  public static ModelCard forTraining(TrainedClassifier trained, String owner) {
    String classes = String.join(", ", trained.classNames());
    if (TrainingData.BUNDLED_IRIS_URI.equals(trained.data().uri())) {
      return new ModelCard(
          "Classifies an iris flower as one of "
              + classes
              + " from four measurements of its sepals and petals (the mlsys Iris demo).",
          trained.featureNames().stream()
              .map(
                  name ->
                      new ModelCard.Input(
                          name, IRIS_INPUTS.getOrDefault(name, name.replace('_', ' ')), "cm"))
              .toList(),
          owner,
          "Trained on "
              + trained.trainRows()
              + " flowers of Fisher's Iris data (1936), three species from one region; evaluated"
              + " on "
              + trained.testRows()
              + " held-out flowers. Not for other species, other kinds of measurement, or"
              + " measurements in other units; class probabilities are not calibrated.");
    }
    return new ModelCard(
        "Predicts "
            + trained.config().response()
            + " (one of "
            + classes
            + ") from "
            + String.join(", ", trained.featureNames())
            + ".",
        trained.featureNames().stream()
            .map(
                name -> new ModelCard.Input(name, "column " + name + " of the training data", null))
            .toList(),
        owner,
        "Trained on "
            + trained.trainRows()
            + " rows of "
            + trained.data().uri()
            + " and evaluated on "
            + trained.testRows()
            + " held-out rows of the same file only; units, bias and drift were not checked.");
  }

  /** The card's inputs as one line: {@code sepal_length (cm), ...}. */
  public static String inputsLine(ModelCard card) {
    List<String> parts =
        card.inputs().stream()
            .map(i -> i.unit() == null ? i.name() : i.name() + " (" + i.unit() + ")")
            .toList();
    return String.join(", ", parts);
  }
}
