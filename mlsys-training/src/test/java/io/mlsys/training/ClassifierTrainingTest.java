package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.DataProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.ONNXExportable;

class ClassifierTrainingTest {
  private static final TrainedClassifier DEFAULT =
      ClassifierTraining.train(TrainingConfig.defaults());

  @Test
  void logisticRegressionOnTheBundledIrisDataIsAccurate() {
    assertThat(DEFAULT.accuracy()).isGreaterThanOrEqualTo(0.9);
    assertThat(DEFAULT.macroF1()).isGreaterThanOrEqualTo(0.9);
    assertThat(DEFAULT.trainRows()).isEqualTo(105);
    assertThat(DEFAULT.testRows()).isEqualTo(45);
    assertThat(DEFAULT.featureNames()).containsExactlyElementsOf(IrisDemo.FEATURE_NAMES);
    assertThat(DEFAULT.classNames()).containsExactly("setosa", "versicolor", "virginica");
    assertThat(DEFAULT.metrics())
        .containsKeys(
            "accuracy", "macro_f1", "precision.setosa", "recall.versicolor", "f1.virginica");
  }

  @Test
  void lineageFactsDescribeDataSplitAndHyperparameters() throws Exception {
    byte[] iris = IrisDemo.class.getResourceAsStream(IrisDemo.DATA_RESOURCE).readAllBytes();

    assertThat(DEFAULT.data().uri()).isEqualTo(TrainingData.BUNDLED_IRIS_URI);
    assertThat(DEFAULT.data().digest()).isEqualTo(TrainingData.digest(iris)).startsWith("sha256:");
    assertThat(DEFAULT.data().rows()).isEqualTo(150);
    assertThat(DEFAULT.config().splitDescription()).isEqualTo("train 0.7 / test 0.3, seed 42");
    assertThat(DEFAULT.hyperparameters())
        .containsExactly(
            Map.entry("epochs", "300"),
            Map.entry("learning-rate", "0.1"),
            Map.entry("epsilon", "0.1"),
            Map.entry("minibatch-size", "10"));
  }

  @Test
  void profileDescribesTheTrainingRows() {
    DataProfile profile = DEFAULT.profile();

    assertThat(profile.rows()).isEqualTo(105);
    assertThat(profile.features())
        .extracting(DataProfile.Feature::name)
        .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width", "species");
    DataProfile.Feature petalLength = profile.features().get(2);
    assertThat(petalLength.count()).isEqualTo(105);
    assertThat(petalLength.numeric().min()).isGreaterThanOrEqualTo(1.0);
    assertThat(petalLength.numeric().max()).isLessThanOrEqualTo(6.9);
    assertThat(petalLength.numeric().binCounts().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(105);
    DataProfile.Feature species = profile.features().get(4);
    assertThat(species.categories()).containsOnlyKeys("setosa", "versicolor", "virginica");
    assertThat(species.categories().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(105);
  }

  @Test
  void sameConfigTrainsTheSameModel() {
    TrainedClassifier again = ClassifierTraining.train(TrainingConfig.defaults());

    assertThat(again.onnxModel().getGraph()).isEqualTo(DEFAULT.onnxModel().getGraph());
    assertThat(again.metrics()).isEqualTo(DEFAULT.metrics());
  }

  @Test
  void factorizationMachineExportsAServableClassifier(@TempDir Path dir) {
    TrainedClassifier fm =
        ClassifierTraining.train(
            TrainingConfig.defaults()
                .withAlgorithm(
                    ClassifierAlgorithm.FACTORIZATION_MACHINE, Map.of("factor-size", "3")));

    assertThat(fm.hyperparameters()).containsEntry("factor-size", "3");
    assertThat(fm.trainer()).contains("FMClassificationTrainer");
    assertThat(fm.accuracy()).isGreaterThan(0.6);
    Path folder = fm.writeTo(dir.resolve("fm"));
    Served.Result result =
        Served.classify(folder.resolve("model.onnx"), new float[][] {IrisDemo.exampleRow()});
    assertThat(result.probabilities()[0]).hasSize(3);
    assertThat(
            result.probabilities()[0][0]
                + result.probabilities()[0][1]
                + result.probabilities()[0][2])
        .isCloseTo(1.0f, within(1e-4f));
    assertThat(folder.resolve("labels.json")).content().contains("\"0\" : \"setosa\"");
  }

  @Test
  void onnxMetadataIsCompactWithoutTribuoProvenance() {
    Map<String, String> metadata = metadata(DEFAULT);

    assertThat(metadata).doesNotContainKey(ONNXExportable.PROVENANCE_METADATA_FIELD);
    assertThat(metadata)
        .containsEntry(ClassifierTraining.DATA_DIGEST_METADATA, DEFAULT.data().digest())
        .containsEntry(ClassifierTraining.SPLIT_METADATA, "train 0.7 / test 0.3, seed 42")
        .containsEntry(ClassifierTraining.TRIBUO_VERSION_METADATA, org.tribuo.Tribuo.VERSION);
    assertThat(metadata.get(ClassifierTraining.TRAINER_METADATA))
        .contains("LinearSGDTrainer")
        .contains("epochs=300");
    assertThat(String.join("", metadata.values()).length()).isLessThan(1024);
  }

  @Test
  void trainsOnACsvFileWithChosenColumns(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("flowers.csv");
    StringBuilder text = new StringBuilder("width,colour,height,kind\n");
    for (int i = 0; i < 40; i++) {
      boolean tall = i % 2 == 0;
      text.append(i % 5)
          .append(",red,")
          .append(tall ? 10 + i % 3 : 1 + i % 3)
          .append(',')
          .append(tall ? "tall" : "short")
          .append('\n');
    }
    Files.writeString(csv, text, StandardCharsets.UTF_8);

    TrainedClassifier model =
        ClassifierTraining.train(
            TrainingConfig.defaults()
                .withData(csv)
                .withColumns("kind", List.of("height", "width")));

    assertThat(model.featureNames()).containsExactly("height", "width");
    assertThat(model.classNames()).containsExactly("short", "tall");
    assertThat(model.data().uri()).isEqualTo(csv.toUri().toString());
    assertThat(model.accuracy()).isEqualTo(1.0);
  }

  @Test
  void missingFeatureValueIsRefusedWithRowAndColumn(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("gaps.csv");
    Files.writeString(csv, "a,b,y\n1,2,x\n3,,z\n5,6,x\n");

    assertThatThrownBy(
            () ->
                ClassifierTraining.train(
                    TrainingConfig.defaults().withData(csv).withColumns("y", List.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("row 3, column b")
        .hasMessageContaining("expected: a finite number");
  }

  @Test
  void unknownColumnsAndParametersAreNamed() {
    assertThatThrownBy(
            () ->
                ClassifierTraining.train(
                    TrainingConfig.defaults().withColumns("colour", List.of())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("response: 'colour' is not a column")
        .hasMessageContaining("sepal_length");
    assertThatThrownBy(
            () ->
                ClassifierTraining.train(
                    TrainingConfig.defaults()
                        .withAlgorithm(
                            ClassifierAlgorithm.LOGISTIC_REGRESSION, Map.of("depth", "3"))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("param.depth")
        .hasMessageContaining("epochs, learning-rate");
    assertThatThrownBy(
            () -> ClassifierAlgorithm.LOGISTIC_REGRESSION.resolve(Map.of("epochs", "many")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("param.epochs: 'many'");
    assertThatThrownBy(() -> ClassifierAlgorithm.of("random-forest"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("logistic-regression, factorization-machine");
  }

  private static Map<String, String> metadata(TrainedClassifier model) {
    Map<String, String> metadata = new java.util.HashMap<>();
    model
        .onnxModel()
        .getMetadataPropsList()
        .forEach(entry -> metadata.put(entry.getKey(), entry.getValue()));
    return metadata;
  }
}
