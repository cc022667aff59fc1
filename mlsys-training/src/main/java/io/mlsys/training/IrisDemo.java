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
 * The ONNX metadata keeps Tribuo's provenance (data digest, split seed, hyperparameters, versions).
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
    if (config == null) {
      throw new InvalidInputException("config", "null (expected: an IrisDemoConfig)");
    }
    URL resource = IrisDemo.class.getResource(DATA_RESOURCE);
    if (resource == null) {
      throw new IllegalStateException(
          DATA_RESOURCE + " is missing from the classpath beside " + IrisDemo.class.getName());
    }
    return train(resource, config);
  }

  /** Trains on the CSV at {@code resource}, a file or an entry of a jar. */
  static DemoModel train(URL resource, IrisDemoConfig config) {
    if ("file".equals(resource.getProtocol())) {
      try {
        return train(Path.of(resource.toURI()), config);
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
      return train(copy, config);
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

  private static DemoModel train(Path csv, IrisDemoConfig config) {
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

    List<String> classNames =
        model.getOutputIDInfo().getDomain().stream().map(Label::getLabel).sorted().toList();
    int[] classColumns =
        classNames.stream()
            .mapToInt(name -> model.getOutputIDInfo().getID(new Label(name)))
            .toArray();
    int[] inputColumns = new int[model.getFeatureIDMap().size()];
    for (int id = 0; id < inputColumns.length; id++) {
      String feature = model.getFeatureIDMap().get(id).getName();
      inputColumns[id] = FEATURE_NAMES.indexOf(feature);
      if (inputColumns[id] < 0) {
        throw new IllegalStateException(
            "Tribuo model feature '" + feature + "' (expected: one of " + FEATURE_NAMES + ")");
      }
    }
    OnnxMl.ModelProto exported = model.exportONNXModel(ONNX_DOMAIN, DEFAULT_VERSION);
    String inputName = exported.getGraph().getInput(0).getName();
    if (!inputName.equals(INPUT_NAME)) {
      throw new IllegalStateException(
          "Tribuo named the ONNX input '" + inputName + "' (expected: '" + INPUT_NAME + "')");
    }
    OnnxMl.ModelProto onnx =
        ClassifierGraph.rewrite(
            exported,
            inputColumns,
            classColumns,
            LABEL_OUTPUT,
            PROBABILITIES_OUTPUT,
            Map.of(
                FEATURE_NAMES_METADATA, String.join(",", FEATURE_NAMES),
                CLASS_NAMES_METADATA, String.join(",", classNames)));
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
