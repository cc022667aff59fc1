package io.mlsys.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Stand-ins, trained in Java, for models of the shared fixtures ({@code ../shared/fixtures}) that
 * the examples read, written under the same file names with the same tensor names, so an example
 * runs from a fresh clone. They answer with other numbers than the scikit-learn originals: checks
 * of the catalog sample's exact numbers need the fixtures themselves.
 *
 * <p>Today: {@value #IRIS_FOLDER}/{@value #IRIS_SVC} (a 3-class classifier: {@code float_input}
 * FP32 {@code [N, 4]} to {@code output_label} INT64 {@code [N]} and {@code output_probability} FP32
 * {@code [N, 3]}, classes setosa, versicolor, virginica) and {@value #IRIS_FOLDER}/{@value
 * #IRIS_LABELS}, and per species a one-against-rest classifier, {@code iris_svc_0_<species>.onnx}
 * ({@code output_probability} FP32 {@code [N, 2]}, column 0 the probability of the species).
 */
public final class StandInFixtures {
  /** Folder of the Iris models under the fixtures folder: {@value}. */
  public static final String IRIS_FOLDER = "sklearn-iris";

  /** The scikit-learn SVC with probabilities: {@value}. */
  public static final String IRIS_SVC = "iris_svc.onnx";

  /** Class index to species: {@value}. */
  public static final String IRIS_LABELS = "label.json";

  private StandInFixtures() {}

  /** The outlier detector, as the catalog's one-class SVM: {@value}. */
  public static final String IRIS_OCS = "iris_ocs.onnx";

  /** The folder of the text direction classifier stand-in: {@value}. */
  public static final String PADDLEOCR_FOLDER = "paddleocr";

  /** PaddleOCR's text direction classifier, as the prep-pred example reads it: {@value}. */
  public static final String TEXT_DIRECTION = "ch_ppocr_mobile_v2.0_cls_infer.onnx";

  /**
   * The file of the one-against-rest SVC for {@code species}: {@code iris_svc_0_<species>.onnx}.
   */
  public static String oneAgainstRest(String species) {
    return "iris_svc_0_" + species + ".onnx";
  }

  /** The feature columns of the bundled iris data set, one array per row. */
  static List<float[]> irisRows() throws IOException {
    try (var in = IrisDemo.class.getResourceAsStream(IrisDemo.DATA_RESOURCE)) {
      if (in == null) {
        throw new IOException("the resource " + IrisDemo.DATA_RESOURCE + " is missing");
      }
      List<float[]> rows = new ArrayList<>();
      List<String> lines =
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        float[] row = new float[IrisDemo.FEATURE_NAMES.size()];
        for (int j = 0; j < row.length; j++) {
          row[j] = Float.parseFloat(cells[j].strip());
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static Path write(Path file, byte[] bytes) throws IOException {
    ModelRepositoryWriter.writeAtomically(file, bytes);
    return file;
  }

  /**
   * Trains the stand-ins with {@code config} and writes them under {@code fixturesDir}, replacing
   * files of the same name.
   *
   * @return the files written
   * @throws UncheckedIOException when they cannot be written
   */
  public static List<Path> write(Path fixturesDir, IrisDemoConfig config) {
    DemoModel classifier = IrisDemo.trainWithScikitLearnNames(config);
    Path iris = fixturesDir.resolve(IRIS_FOLDER);
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(iris);
      written.add(write(iris.resolve(IRIS_SVC), classifier.onnxBytes()));
      written.add(
          write(
              iris.resolve(IRIS_LABELS),
              ModelRepositoryWriter.labelsJson(classifier.classNames())));
      written.add(
          write(
              iris.resolve(IRIS_OCS),
              OutlierDetector.fit(
                      irisRows(),
                      Map.of(
                          "mlsys.stand_in",
                          "outlier detector fitted to "
                              + IrisDemo.DATA_RESOURCE
                              + ": radius minus the squared standardized distance to the mean"))
                  .toByteArray()));
      Path paddleocr = fixturesDir.resolve(PADDLEOCR_FOLDER);
      Files.createDirectories(paddleocr);
      written.add(
          write(
              paddleocr.resolve(TEXT_DIRECTION),
              TextDirectionStandIn.build(
                      Map.of(
                          "mlsys.stand_in",
                          "text direction by where the ink is: the lower half darker is upright"))
                  .toByteArray()));
      for (String species : classifier.classNames()) {
        DemoModel binary = IrisDemo.trainOneAgainstRest(config, species);
        written.add(write(iris.resolve(oneAgainstRest(species)), binary.onnxBytes()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the stand-ins into " + fixturesDir + ": " + e, e);
    }
    return List.copyOf(written);
  }
}
