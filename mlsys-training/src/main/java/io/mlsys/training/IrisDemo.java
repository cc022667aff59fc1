package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import io.mlsys.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluation;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.data.columnar.FieldProcessor;
import org.tribuo.data.columnar.RowProcessor;
import org.tribuo.data.columnar.processors.field.DoubleFieldProcessor;
import org.tribuo.data.columnar.processors.response.FieldResponseProcessor;
import org.tribuo.data.csv.CSVDataSource;
import org.tribuo.evaluation.TrainTestSplitter;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * The quickstart's demo model: a logistic regression trained in Java with Tribuo on the Iris data
 * set (bundled as {@value #DATA_RESOURCE}), exported to ONNX and written into a model repository.
 *
 * <p>The exported model behaves like a scikit-learn classifier exported with skl2onnx (without
 * ZipMap):
 *
 * <ul>
 *   <li>input {@value #INPUT_NAME} (the name Tribuo gives it): FLOAT {@code [-1, 4]}, columns in
 *       {@link #FEATURE_NAMES} order, the data set's column order: sepal length, sepal width, petal
 *       length, petal width (cm). Tribuo itself orders features by name; a {@code Gather} node in
 *       the graph maps this order onto Tribuo's, so rows are written as for the scikit-learn Iris
 *       models.
 *   <li>output {@value #LABEL_OUTPUT}: INT64 {@code [-1]}, the index of the most probable class.
 *   <li>output {@value #PROBABILITIES_OUTPUT}: FLOAT {@code [-1, 3]}, one column per class in
 *       sorted order (setosa, versicolor, virginica), as {@code labels.json} maps them.
 * </ul>
 *
 * The ONNX metadata keeps the compact part of Tribuo's provenance (data digest, split, trainer with
 * its hyperparameters, Tribuo's version; see {@link ClassifierTraining#TRAINER_METADATA}), not its
 * full text.
 */
public final class IrisDemo {
  /** The bundled data set, a classpath resource beside this class: {@value}. */
  public static final String DATA_RESOURCE = "iris.csv";

  /** The ONNX input columns, in order: the data set's feature columns. */
  public static final List<String> FEATURE_NAMES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

  /** The data set's class column: {@value}. */
  public static final String RESPONSE_NAME = "species";

  /** Name of the ONNX input, as Tribuo names it: {@value}. */
  public static final String INPUT_NAME = "input";

  /** Name of the class-index ONNX output: {@value}. */
  public static final String LABEL_OUTPUT = "label";

  /** Name of the class-probabilities ONNX output: {@value}. */
  public static final String PROBABILITIES_OUTPUT = "probabilities";

  /** Domain written into the ONNX model: {@value}. */
  public static final String ONNX_DOMAIN = "io.mlsys.training";

  /** Version a model is written as by default: {@value}. */
  public static final int DEFAULT_VERSION = 1;

  /** ONNX metadata key listing the input columns, comma-separated: {@value}. */
  public static final String FEATURE_NAMES_METADATA = "mlsys.feature-names";

  /**
   * ONNX metadata key listing the classes of the probability columns, comma-separated: {@value}.
   */
  public static final String CLASS_NAMES_METADATA = "mlsys.class-names";

  /** Name of the input of scikit-learn's converted classifiers: {@value}. */
  public static final String SKLEARN_INPUT_NAME = "float_input";

  /** Name of the class-index output of scikit-learn's converted classifiers: {@value}. */
  public static final String SKLEARN_LABEL_OUTPUT = "output_label";

  /** Name of the probabilities output of scikit-learn's converted classifiers: {@value}. */
  public static final String SKLEARN_PROBABILITIES_OUTPUT = "output_probability";

  /** The class of a one-against-rest model's second column: {@value}. */
  public static final String REST_CLASS = "rest";

  /**
   * What to train and how to name it.
   *
   * @param positive for a one-against-rest model, the species of class 0 (every other species is
   *     {@link #REST_CLASS}, class 1); null for the 3-class model
   */
  private record Variant(String input, String label, String probabilities, String positive) {}

  private static final Variant TRIBUO_NAMES =
      new Variant(INPUT_NAME, LABEL_OUTPUT, PROBABILITIES_OUTPUT, null);

  private static final Variant SKLEARN_NAMES =
      new Variant(SKLEARN_INPUT_NAME, SKLEARN_LABEL_OUTPUT, SKLEARN_PROBABILITIES_OUTPUT, null);

  /** AdaGrad's epsilon (Tribuo's default): {@value}. */
  static final double ADAGRAD_EPSILON = 0.1;

  private IrisDemo() {}

  /** Trains the demo model with {@link IrisDemoConfig#defaults()} and the given seed. */
  public static DemoModel train(long seed) {
    return train(IrisDemoConfig.defaults().withSeed(seed));
  }

  /**
   * Trains the demo model on the bundled data set: a seeded train/test split, Tribuo's linear SGD
   * with the logistic (multinomial log) loss, evaluation on the held-out rows and ONNX export. The
   * same config gives the same model.
   */
  public static DemoModel train(IrisDemoConfig config) {
    return train(config, TRIBUO_NAMES);
  }

  /**
   * As {@link #train(IrisDemoConfig)}, with the tensor names of a scikit-learn classifier converted
   * by skl2onnx without ZipMap: input {@value #SKLEARN_INPUT_NAME}, outputs {@value
   * #SKLEARN_LABEL_OUTPUT} and {@value #SKLEARN_PROBABILITIES_OUTPUT}. The examples train it as a
   * stand-in for the scikit-learn Iris SVC of the shared fixtures when those are absent.
   */
  public static DemoModel trainWithScikitLearnNames(IrisDemoConfig config) {
    return train(config, SKLEARN_NAMES);
  }

  /**
   * A one-against-rest classifier ("is it this species?") with scikit-learn's tensor names, as
   * {@link #trainWithScikitLearnNames}: {@value #SKLEARN_PROBABILITIES_OUTPUT} is FLOAT {@code [N,
   * 2]}, column 0 the probability of {@code species}, column 1 of {@value #REST_CLASS}.
   */
  public static DemoModel trainOneAgainstRest(IrisDemoConfig config, String species) {
    if (species == null || species.isEmpty() || species.equals(REST_CLASS)) {
      throw new InvalidInputException("species", species + " (expected: a species of the data)");
    }
    return train(
        config,
        new Variant(
            SKLEARN_INPUT_NAME, SKLEARN_LABEL_OUTPUT, SKLEARN_PROBABILITIES_OUTPUT, species));
  }

  private static DemoModel train(IrisDemoConfig config, Variant names) {
    if (config == null) {
      throw new InvalidInputException("config", "null (expected: an IrisDemoConfig)");
    }
    URL resource = IrisDemo.class.getResource(DATA_RESOURCE);
    if (resource == null) {
      throw new IllegalStateException(
          DATA_RESOURCE + " is missing from the classpath beside " + IrisDemo.class.getName());
    }
    return train(resource, config, names);
  }

  /** Trains on the CSV at {@code resource}, a file or an entry of a jar. */
  static DemoModel train(URL resource, IrisDemoConfig config) {
    return train(resource, config, TRIBUO_NAMES);
  }

  private static DemoModel train(URL resource, IrisDemoConfig config, Variant names) {
    if ("file".equals(resource.getProtocol()) && names.positive() == null) {
      try {
        return train(Path.of(resource.toURI()), config, names);
      } catch (URISyntaxException e) {
        throw new IllegalStateException("cannot resolve " + resource, e);
      }
    }
    // Tribuo's CSVDataSource reads a file (it records its path, time and digest as provenance),
    // so a data set inside a jar is copied out for the duration of training.
    Path copy = null;
    try {
      copy = Files.createTempFile("mlsys-iris-", ".csv");
      try (InputStream in = resource.openStream()) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      if (names.positive() != null) {
        Files.write(copy, oneAgainstRest(Files.readAllLines(copy), names.positive()));
      }
      return train(copy, config, names);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + resource + " to a temporary file: " + e, e);
    } finally {
      deleteQuietly(copy);
    }
  }

  /**
   * Writes {@code model} as version {@value #DEFAULT_VERSION} of {@code modelName} into {@code
   * repositoryDir}: {@code <modelName>/1/model.onnx}, {@code <modelName>/labels.json} (class index
   * to name, in the order of the probability columns) and {@code <modelName>/config.yaml} ({@code
   * labels: labels.json}). Existing files are replaced.
   *
   * @return the model's folder, {@code repositoryDir/<modelName>}
   * @throws InvalidInputException when an argument is null or the name is not a plain folder name
   * @throws UncheckedIOException when the files cannot be written
   */
  public static Path writeToRepository(DemoModel model, Path repositoryDir, String modelName) {
    return writeToRepository(model, repositoryDir, modelName, DEFAULT_VERSION);
  }

  /**
   * As {@link #writeToRepository(DemoModel, Path, String)}, as version {@code version} (>= 1); the
   * ONNX model's {@code model_version} is set to it.
   */
  public static Path writeToRepository(
      DemoModel model, Path repositoryDir, String modelName, int version) {
    return ModelRepositoryWriter.write(model, repositoryDir, modelName, version);
  }

  /**
   * A row to try the model with, in {@link #FEATURE_NAMES} order: the data set's first row, a
   * setosa ({@code [5.1, 3.5, 1.4, 0.2]}, also the first example row of the scikit-learn Iris
   * fixtures).
   */
  public static float[] exampleRow() {
    return new float[] {5.1f, 3.5f, 1.4f, 0.2f};
  }

  /** The rows with every species but {@code positive} renamed {@value #REST_CLASS}. */
  private static List<String> oneAgainstRest(List<String> lines, String positive) {
    List<String> relabelled = new ArrayList<>(lines.size());
    relabelled.add(lines.get(0));
    boolean found = false;
    for (String line : lines.subList(1, lines.size())) {
      int comma = line.lastIndexOf(',');
      if (comma < 0) {
        relabelled.add(line);
        continue;
      }
      boolean isPositive = line.substring(comma + 1).strip().equals(positive);
      found |= isPositive;
      relabelled.add(line.substring(0, comma + 1) + (isPositive ? positive : REST_CLASS));
    }
    if (!found) {
      throw new InvalidInputException("species", positive + " (expected: a species of the data)");
    }
    return relabelled;
  }

  private static DemoModel train(Path csv, IrisDemoConfig config, Variant names) {
    Map<String, FieldProcessor> fields = new LinkedHashMap<>();
    for (String feature : FEATURE_NAMES) {
      fields.put(feature, new DoubleFieldProcessor(feature, true, true));
    }
    // Keep the species names as written (Tribuo upper-cases response values by default).
    FieldResponseProcessor<Label> response =
        new FieldResponseProcessor<>(
            List.of(RESPONSE_NAME), List.of(""), new LabelFactory(), false, false);
    CSVDataSource<Label> source =
        new CSVDataSource<>(csv, new RowProcessor<>(response, fields), true);
    TrainTestSplitter<Label> split =
        new TrainTestSplitter<>(source, config.trainProportion(), config.seed());
    MutableDataset<Label> train = new MutableDataset<>(split.getTrain());
    MutableDataset<Label> test = new MutableDataset<>(split.getTest());

    // A new trainer per call: Tribuo advances a trainer's RNG on every train(), so reusing one
    // would make the second model differ from the first.
    LinearSGDTrainer trainer =
        new LinearSGDTrainer(
            new LogMulticlass(),
            new AdaGrad(config.learningRate(), ADAGRAD_EPSILON),
            config.epochs(),
            -1, // no per-iteration loss logging
            config.minibatchSize(),
            config.seed());
    LinearSGDModel model = trainer.train(train);
    LabelEvaluation evaluation = new LabelEvaluator().evaluate(model, test);
    DemoMetrics metrics =
        new DemoMetrics(
            evaluation.accuracy(),
            evaluation.macroAveragedF1(),
            train.size(),
            test.size(),
            config.seed());

    // Sorted; a one-against-rest model's species first, as scikit-learn's binary Iris models.
    List<String> classNames =
        model.getOutputIDInfo().getDomain().stream()
            .map(Label::getLabel)
            .sorted(
                Comparator.comparing((String name) -> !name.equals(names.positive()))
                    .thenComparing(Comparator.naturalOrder()))
            .toList();
    String digest;
    try {
      digest = TrainingData.digest(Files.readAllBytes(csv));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + csv, e);
    }
    OnnxMl.ModelProto onnx =
        TribuoExport.classifier(
            model,
            FEATURE_NAMES,
            classNames,
            names.input(),
            names.label(),
            names.probabilities(),
            TribuoExport.compactProvenance(
                trainer,
                digest,
                TrainingConfig.splitDescription(config.trainProportion(), config.seed())));
    return new DemoModel(model, onnx, FEATURE_NAMES, classNames, metrics);
  }

  private static void deleteQuietly(Path file) {
    if (file == null) {
      return;
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover copy in the temporary folder is not worth losing the trained model over.
      System.getLogger(IrisDemo.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete the temporary copy " + file, e);
    }
  }
}
