package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import io.mlsys.onnx.OnnxModel;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.ONNXExportable;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

class IrisDemoTest {
  private static final long SEED = IrisDemoConfig.DEFAULT_SEED;

  private static DemoModel model;
  private static IrisData data;

  @BeforeAll
  static void train() {
    model = IrisDemo.train(SEED);
    data = IrisData.load();
  }

  @Test
  void sameSeedTrainsTheSameModel() {
    DemoModel again = IrisDemo.train(SEED);

    // The graph holds the weights; the metadata differs only by training time.
    assertThat(again.onnxModel().getGraph()).isEqualTo(model.onnxModel().getGraph());
    assertThat(again.metrics()).isEqualTo(model.metrics());
  }

  @Test
  void anotherSeedTrainsAnotherModel() {
    DemoModel other = IrisDemo.train(SEED + 1);

    assertThat(other.onnxModel().getGraph()).isNotEqualTo(model.onnxModel().getGraph());
  }

  @Test
  void heldOutAccuracyIsAtLeastNinetyPercent() {
    int held = data.rows().size() - (int) Math.round(data.rows().size() * 0.7);

    assertThat(model.metrics().accuracy()).isGreaterThanOrEqualTo(0.9);
    assertThat(model.metrics().testRows()).isEqualTo(held);
    assertThat(model.metrics().trainRows()).isEqualTo(data.rows().size() - held);
  }

  @Test
  void heldOutAccuracyIsAtLeastNinetyPercentForOtherSeeds() {
    for (long seed = 1; seed <= 5; seed++) {
      assertThat(IrisDemo.train(seed).metrics().accuracy()).as("seed %d", seed).isGreaterThan(0.9);
    }
  }

  @Test
  void inputColumnsAreTheDataSetsFeatureColumns() {
    assertThat(model.featureNames()).isEqualTo(data.featureColumns());
    assertThat(IrisDemo.FEATURE_NAMES).isEqualTo(data.featureColumns());
  }

  @Test
  void classesAreTheSortedSpecies() {
    assertThat(model.classNames()).isEqualTo(data.sortedSpecies());
  }

  @Test
  void servedOnnxModelAgreesWithTribuoOnEveryRow(@TempDir Path dir) throws Exception {
    float[][] rows =
        data.rows().stream().map(IrisData.Row::featuresAsFloats).toArray(float[][]::new);

    Served.Result onnx;
    try (OnnxModel served = Served.load(model, dir)) {
      onnx = Served.classify(served, rows);
    }

    assertThat(onnx.labels()).hasSize(rows.length);
    for (int i = 0; i < rows.length; i++) {
      Prediction<Label> tribuo = model.tribuoModel().predict(example(data.rows().get(i)));
      Map<String, Label> scores = tribuo.getOutputScores();
      assertThat(model.classNames().get((int) onnx.labels()[i]))
          .as("label of row %d", i)
          .isEqualTo(tribuo.getOutput().getLabel());
      assertThat(onnx.probabilities()[i]).hasSize(model.classNames().size());
      for (int c = 0; c < model.classNames().size(); c++) {
        assertThat((double) onnx.probabilities()[i][c])
            .as("P(%s) of row %d", model.classNames().get(c), i)
            .isCloseTo(scores.get(model.classNames().get(c)).getScore(), within(1e-5));
      }
    }
  }

  @Test
  void servedSignatureIsOneInputThenLabelAndProbabilities(@TempDir Path dir) throws Exception {
    ModelMetadata metadata;
    try (OnnxModel served = Served.load(model, dir)) {
      metadata = served.metadata();
    }

    assertThat(metadata.inputs())
        .containsExactly(
            new TensorSpec(
                IrisDemo.INPUT_NAME,
                DataType.FP32,
                List.of(-1L, (long) IrisDemo.FEATURE_NAMES.size())));
    assertThat(metadata.outputs())
        .containsExactly(
            new TensorSpec(IrisDemo.LABEL_OUTPUT, DataType.INT64, List.of(-1L)),
            new TensorSpec(
                IrisDemo.PROBABILITIES_OUTPUT,
                DataType.FP32,
                List.of(-1L, (long) model.classNames().size())));
  }

  @Test
  void onnxMetadataKeepsCompactProvenanceInsteadOfTribuos(@TempDir Path dir) throws Exception {
    Map<String, String> metadata = servedCustomMetadata(dir);

    // Tribuo's full provenance (about 30 KB, with a temporary file's path) is not exported.
    assertThat(metadata).doesNotContainKey(ONNXExportable.PROVENANCE_METADATA_FIELD);
    assertThat(metadata)
        .containsEntry(ClassifierTraining.DATA_DIGEST_METADATA, "sha256:" + data.sha256Hex())
        .containsEntry(ClassifierTraining.SPLIT_METADATA, "train 0.7 / test 0.3, seed " + SEED)
        .containsEntry(ClassifierTraining.TRIBUO_VERSION_METADATA, org.tribuo.Tribuo.VERSION);
    assertThat(metadata.get(ClassifierTraining.TRAINER_METADATA))
        .contains("LinearSGDTrainer")
        .contains("epochs=" + IrisDemoConfig.DEFAULT_EPOCHS)
        .contains("seed=" + SEED);
    assertThat(String.join("", metadata.values()))
        .doesNotContain("mlsys-iris-")
        .hasSizeLessThan(1024);
  }

  @Test
  void onnxMetadataNamesFeaturesAndClasses(@TempDir Path dir) throws Exception {
    Map<String, String> metadata = servedCustomMetadata(dir);

    assertThat(metadata.get(IrisDemo.FEATURE_NAMES_METADATA))
        .isEqualTo(String.join(",", data.featureColumns()));
    assertThat(metadata.get(IrisDemo.CLASS_NAMES_METADATA))
        .isEqualTo(String.join(",", data.sortedSpecies()));
  }

  @Test
  void exampleRowIsTheFirstDataRowAndPredictedAsItsSpecies(@TempDir Path dir) throws Exception {
    IrisData.Row first = data.rows().get(0);

    Served.Result onnx;
    try (OnnxModel served = Served.load(model, dir)) {
      onnx = Served.classify(served, new float[][] {IrisDemo.exampleRow()});
    }

    assertThat(IrisDemo.exampleRow()).containsExactly(first.featuresAsFloats());
    assertThat(model.classNames().get((int) onnx.labels()[0])).isEqualTo(first.species());
  }

  @Test
  void trainsTheSameModelFromTheDataSetInsideAJar(@TempDir Path dir) throws Exception {
    Path jar = dir.resolve("data.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("io/mlsys/training/" + IrisDemo.DATA_RESOURCE));
      zip.write(data.bytes());
      zip.closeEntry();
    }
    URL inJar =
        URI.create("jar:" + jar.toUri() + "!/io/mlsys/training/" + IrisDemo.DATA_RESOURCE).toURL();

    DemoModel fromJar = IrisDemo.train(inJar, IrisDemoConfig.defaults());

    assertThat(fromJar.onnxModel().getGraph()).isEqualTo(model.onnxModel().getGraph());
  }

  @Test
  void rejectsANullConfig() {
    assertThatThrownBy(() -> IrisDemo.train(null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("config: null");
  }

  private static ArrayExample<Label> example(IrisData.Row row) {
    String[] names = data.featureColumns().toArray(String[]::new);
    return new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names, row.features());
  }

  /** The ONNX custom metadata as the served model publishes it ({@code onnx.metadata.<key>}). */
  private static Map<String, String> servedCustomMetadata(Path dir) throws Exception {
    String prefix = "onnx.metadata.";
    Map<String, String> custom = new java.util.HashMap<>();
    try (OnnxModel served = Served.load(model, dir)) {
      served
          .metadata()
          .properties()
          .forEach(
              (key, value) -> {
                if (key.startsWith(prefix)) {
                  custom.put(key.substring(prefix.length()), value);
                }
              });
    }
    return custom;
  }
}
