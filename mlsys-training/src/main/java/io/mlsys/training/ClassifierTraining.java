package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.DataProfiler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Trainer;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains a Tribuo classifier on a table of numeric features and a class column, evaluates it on
 * held-out rows and exports it to ONNX: the training step of {@code mlsys train}.
 *
 * <p>The split is a seeded shuffle of the rows (the first {@code trainProportion} train, the rest
 * test); the same config on the same data trains the same model. Every feature value must be a
 * number: a missing one is refused rather than silently taken as 0.
 */
public final class ClassifierTraining {
  /** Metric: share of held-out rows predicted right: {@value}. */
  public static final String ACCURACY = "accuracy";

  /** Metric: F1 averaged over the classes: {@value}. */
  public static final String MACRO_F1 = "macro_f1";

  /** ONNX metadata: the Tribuo trainer and its settings: {@value}. */
  public static final String TRAINER_METADATA = "mlsys.trainer";

  /** ONNX metadata: Tribuo's version: {@value}. */
  public static final String TRIBUO_VERSION_METADATA = "mlsys.tribuo-version";

  /** ONNX metadata: {@code sha256:<hex>} of the training data file: {@value}. */
  public static final String DATA_DIGEST_METADATA = "mlsys.data-digest";

  /** ONNX metadata: the train/test split: {@value}. */
  public static final String SPLIT_METADATA = "mlsys.split";

  private ClassifierTraining() {}

  /** Trains on {@code config.data()}, or the bundled Iris data when it is null. */
  public static TrainedClassifier train(TrainingConfig config) {
    TrainingData data =
        config.data() == null ? TrainingData.bundledIris() : TrainingData.read(config.data());
    return train(data, config);
  }

  /**
   * Trains on {@code data} ({@code config.data()} is not read).
   *
   * @throws InvalidInputException naming the column or row when the data does not fit the config
   */
  public static TrainedClassifier train(TrainingData data, TrainingConfig config) {
    int response = data.indexOf(config.response());
    if (response < 0) {
      throw new InvalidInputException(
          "response",
          "'"
              + config.response()
              + "' is not a column of "
              + data.uri()
              + " (columns: "
              + String.join(", ", data.columns())
              + ")");
    }
    List<String> features = features(data, config);
    int[] featureColumns = features.stream().mapToInt(data::indexOf).toArray();
    Map<String, String> hyperparameters = config.algorithm().resolve(config.parameters());

    int n = data.rows().size();
    double[][] values = new double[n][];
    String[] labels = new String[n];
    for (int row = 0; row < n; row++) {
      List<String> cells = data.rows().get(row);
      values[row] = new double[featureColumns.length];
      for (int f = 0; f < featureColumns.length; f++) {
        values[row][f] = number(cells.get(featureColumns[f]), row, features.get(f), data.uri());
      }
      labels[row] = cells.get(response).strip();
      if (labels[row].isEmpty()) {
        throw new InvalidInputException(
            "data",
            data.uri()
                + ": row "
                + (row + 2)
                + ", column "
                + config.response()
                + " is empty (expected: every row's class)");
      }
    }
    if (n < 2) {
      throw new InvalidInputException(
          "data", data.uri() + ": " + n + " row (expected: at least 2, to train and to evaluate)");
    }

    int[] order = shuffled(n, config.seed());
    int trainCount = (int) Math.max(1, Math.min(n - 1, Math.round(n * config.trainProportion())));
    LabelFactory factory = new LabelFactory();
    String[] names = features.toArray(String[]::new);
    MutableDataset<Label> train =
        new MutableDataset<>(new SimpleDataSourceProvenance(data.uri(), factory), factory);
    MutableDataset<Label> test =
        new MutableDataset<>(new SimpleDataSourceProvenance(data.uri(), factory), factory);
    DataProfiler profiler = DataProfiler.of(profileColumns(features, config.response()));
    for (int i = 0; i < n; i++) {
      int row = order[i];
      ArrayExample<Label> example = new ArrayExample<>(new Label(labels[row]), names, values[row]);
      if (i < trainCount) {
        train.add(example);
        List<Object> profiled = new ArrayList<>(names.length + 1);
        for (double value : values[row]) {
          profiled.add(value);
        }
        profiled.add(labels[row]);
        profiler.add(profiled);
      } else {
        test.add(example);
      }
    }
    if (train.getOutputInfo().size() < 2) {
      throw new InvalidInputException(
          "data",
          data.uri()
              + ": the training rows hold one class, "
              + train.getOutputInfo().getDomain()
              + " (expected: at least 2)");
    }

    // A new trainer per call: Tribuo advances a trainer's RNG on every train().
    Trainer<Label> trainer = config.algorithm().trainer(hyperparameters, config.seed());
    Model<Label> model = trainer.train(train);
    LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);

    List<String> classNames =
        new ArrayList<>(
            new TreeSet<>(
                model.getOutputIDInfo().getDomain().stream().map(Label::getLabel).toList()));
    OnnxMl.ModelProto onnx =
        TribuoExport.classifier(
            model,
            features,
            classNames,
            IrisDemo.INPUT_NAME,
            IrisDemo.LABEL_OUTPUT,
            IrisDemo.PROBABILITIES_OUTPUT,
            TribuoExport.compactProvenance(trainer, data.digest(), config.splitDescription()));
    DataProfile profile = profiler.profile();
    return new TrainedClassifier(
        onnx,
        features,
        classNames,
        config,
        hyperparameters,
        new TrainedClassifier.DataSummary(data.uri(), data.digest(), n),
        metrics(evaluation, classNames),
        profile,
        trainCount,
        n - trainCount,
        trainer.toString());
  }

  private static List<String> features(TrainingData data, TrainingConfig config) {
    if (config.features().isEmpty()) {
      List<String> all = new ArrayList<>(data.columns());
      all.remove(config.response());
      if (all.isEmpty()) {
        throw new InvalidInputException(
            "data", data.uri() + ": no column but the response (expected: feature columns)");
      }
      return all;
    }
    for (String feature : config.features()) {
      if (data.indexOf(feature) < 0) {
        throw new InvalidInputException(
            "features",
            "'"
                + feature
                + "' is not a column of "
                + data.uri()
                + " (columns: "
                + String.join(", ", data.columns())
                + ")");
      }
    }
    return config.features();
  }

  private static List<DataProfiler.Column> profileColumns(List<String> features, String response) {
    List<DataProfiler.Column> columns = new ArrayList<>();
    features.forEach(name -> columns.add(DataProfiler.Column.numeric(name)));
    columns.add(DataProfiler.Column.categorical(response));
    return columns;
  }

  private static double number(String text, int row, String column, String uri) {
    String value = text.strip();
    double number;
    try {
      number = value.isEmpty() ? Double.NaN : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      number = Double.NaN;
    }
    if (!Double.isFinite(number)) {
      throw new InvalidInputException(
          "data",
          uri
              + ": row "
              + (row + 2)
              + ", column "
              + column
              + ": '"
              + value
              + "' (expected: a finite number; fill or drop rows with missing values first)");
    }
    return number;
  }

  /** A seeded Fisher-Yates shuffle of 0..n-1. */
  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** Accuracy, macro F1, then precision, recall and F1 per class (finite values only). */
  private static Map<String, Double> metrics(LabelEvaluation evaluation, List<String> classNames) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put(ACCURACY, evaluation.accuracy());
    metrics.put(MACRO_F1, evaluation.macroAveragedF1());
    for (String name : classNames) {
      Label label = new Label(name);
      putFinite(metrics, "precision." + metricName(name), evaluation.precision(label));
      putFinite(metrics, "recall." + metricName(name), evaluation.recall(label));
      putFinite(metrics, "f1." + metricName(name), evaluation.f1(label));
    }
    return metrics;
  }

  private static void putFinite(Map<String, Double> metrics, String key, double value) {
    if (Double.isFinite(value)) {
      metrics.put(key, value);
    }
  }

  /** A class name as MLflow allows in a metric key (letters, digits, {@code _-./ }). */
  static String metricName(String className) {
    return className.replaceAll("[^A-Za-z0-9_\\-./ ]", "_");
  }
}
