package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import io.mlsys.registry.DataProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A classifier {@link ClassifierTraining} trained: its ONNX export, what it was trained on and how,
 * and how it did on the held-out rows.
 *
 * @param onnxModel input {@value IrisDemo#INPUT_NAME} FLOAT {@code [-1, features]}, outputs {@value
 *     IrisDemo#LABEL_OUTPUT} (INT64 class index) and {@value IrisDemo#PROBABILITIES_OUTPUT} (FLOAT,
 *     one column per class in {@code classNames} order)
 * @param featureNames the input columns, in order
 * @param classNames the classes, sorted: the probability columns and label indexes
 * @param config how it was trained
 * @param hyperparameters every hyperparameter's value, defaults included
 * @param data the data it was trained and evaluated on (rows are not kept)
 * @param metrics on the held-out rows: {@code accuracy}, {@code macro_f1}, and per class {@code
 *     precision.<class>}, {@code recall.<class>}, {@code f1.<class>}
 * @param profile the profile of the training rows: the features, then the response
 * @param trainRows rows trained on
 * @param testRows rows evaluated on
 * @param trainer the Tribuo trainer with its settings
 */
public record TrainedClassifier(
    OnnxMl.ModelProto onnxModel,
    List<String> featureNames,
    List<String> classNames,
    TrainingConfig config,
    Map<String, String> hyperparameters,
    DataSummary data,
    Map<String, Double> metrics,
    DataProfile profile,
    int trainRows,
    int testRows,
    String trainer) {

  /**
   * Where the data came from, without its rows.
   *
   * @param uri as in {@link TrainingData#uri()}
   * @param digest as in {@link TrainingData#digest()}
   * @param rows rows in the file
   */
  public record DataSummary(String uri, String digest, int rows) {}

  public TrainedClassifier {
    featureNames = List.copyOf(featureNames);
    classNames = List.copyOf(classNames);
    hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  public double accuracy() {
    return metrics.get(ClassifierTraining.ACCURACY);
  }

  public double macroF1() {
    return metrics.get(ClassifierTraining.MACRO_F1);
  }

  /** One line for people, e.g. {@code accuracy 0.956, macro F1 0.955 on 45 held-out rows...}. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "accuracy %.3f, macro F1 %.3f on %d held-out rows (trained on %d rows, %s)",
        accuracy(),
        macroF1(),
        testRows,
        trainRows,
        config.splitDescription());
  }

  /**
   * Writes the model as a registrable folder: {@code model.onnx} and {@code labels.json} (class
   * index to name). Returns {@code folder}.
   */
  public Path writeTo(Path folder) {
    try {
      Files.createDirectories(folder);
      ModelRepositoryWriter.writeAtomically(
          folder.resolve(ModelRepositoryWriter.LABELS_FILE),
          ModelRepositoryWriter.labelsJson(classNames));
      ModelRepositoryWriter.writeAtomically(
          folder.resolve(ModelRepositoryWriter.MODEL_FILE), onnxModel.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model into " + folder + ": " + e, e);
    }
    return folder;
  }
}
