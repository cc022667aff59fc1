package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.core.InvalidInputException;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelConfigLoader;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

class ModelRepositoryWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DemoModel model;
  private static IrisData data;

  @TempDir Path repository;

  @BeforeAll
  static void train() {
    model = IrisDemo.train(IrisDemoConfig.DEFAULT_SEED);
    data = IrisData.load();
  }

  @Test
  void writesModelVersionLabelsAndConfigAndNothingElse() throws IOException {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    assertThat(modelDir).isEqualTo(repository.resolve("iris-tribuo"));
    assertThat(filesUnder(repository))
        .containsExactlyInAnyOrder(
            "iris-tribuo/1/model.onnx", "iris-tribuo/labels.json", "iris-tribuo/config.yaml");
  }

  @Test
  void modelFileIsTheExportedModelAsVersionOne() throws IOException {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    OnnxMl.ModelProto written =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(modelDir.resolve("1/model.onnx")));

    assertThat(written.getGraph()).isEqualTo(model.onnxModel().getGraph());
    assertThat(written.getMetadataPropsList()).isEqualTo(model.onnxModel().getMetadataPropsList());
    assertThat(written.getModelVersion()).isEqualTo(1);
  }

  @Test
  void labelsMapEachClassIndexTheModelReturnsToTheSpeciesTribuoPredicts() throws Exception {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");
    Map<String, String> labels = readLabels(modelDir);
    float[][] rows =
        data.rows().stream().map(IrisData.Row::featuresAsFloats).toArray(float[][]::new);

    Served.Result onnx = Served.classify(modelDir.resolve("1/model.onnx"), rows);

    assertThat(List.copyOf(labels.keySet())).containsExactly("0", "1", "2");
    assertThat(List.copyOf(labels.values())).isEqualTo(data.sortedSpecies());
    String[] names = data.featureColumns().toArray(String[]::new);
    for (int i = 0; i < rows.length; i++) {
      String tribuo =
          model
              .tribuoModel()
              .predict(
                  new ArrayExample<>(
                      LabelFactory.UNKNOWN_LABEL, names, data.rows().get(i).features()))
              .getOutput()
              .getLabel();
      assertThat(labels.get(Long.toString(onnx.labels()[i]))).as("row %d", i).isEqualTo(tribuo);
    }
  }

  @Test
  void labelsAreTheSameAsTheScikitLearnIrisModels() throws IOException {
    Path sklearnLabels = Fixtures.require("sklearn-iris/label.json");
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    assertThat(readLabels(modelDir))
        .isEqualTo(
            JSON.readValue(sklearnLabels.toFile(), new TypeReference<Map<String, String>>() {}));
  }

  @Test
  void configNamesTheLabelsFileAndNothingElse() throws IOException {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    List<String> settings =
        Files.readAllLines(modelDir.resolve("config.yaml")).stream()
            .filter(line -> !line.isBlank() && !line.startsWith("#"))
            .toList();

    assertThat(settings).containsExactly("labels: labels.json");
  }

  @Test
  void writingAgainReplacesTheFilesAndLeavesNoTemporaryFiles() throws IOException {
    DemoModel other = IrisDemo.train(IrisDemoConfig.DEFAULT_SEED + 1);
    IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    Path modelDir = IrisDemo.writeToRepository(other, repository, "iris-tribuo");

    OnnxMl.ModelProto written =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(modelDir.resolve("1/model.onnx")));
    assertThat(written.getGraph()).isEqualTo(other.onnxModel().getGraph());
    assertThat(filesUnder(repository)).hasSize(3);
  }

  @Test
  void writesTheGivenVersionIntoFolderAndModel() throws IOException {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo", 3);

    OnnxMl.ModelProto written =
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(modelDir.resolve("3/model.onnx")));
    assertThat(written.getModelVersion()).isEqualTo(3);
    assertThat(modelDir.resolve("1")).doesNotExist();
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {".", "..", ".hidden", "../escape", "a/b", "with space", "a\\b", "caf\u00e9"})
  void rejectsAModelNameThatIsNotOneFolderName(String name) throws IOException {
    assertThatThrownBy(() -> IrisDemo.writeToRepository(model, repository, name))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("modelName"))
        .hasMessageEndingWith(
            "(expected: 1 to 128 letters, digits, '_', '.' or '-', not starting with '.')");
    assertThat(repository.resolveSibling("escape")).doesNotExist();
    assertThat(filesUnder(repository)).isEmpty();
  }

  @Test
  void acceptsEveryNameTheRepositoryAccepts() throws IOException {
    for (String name : List.of("_x", "-x", "x.y-z_1", "m".repeat(128))) {
      assertThat(IrisDemo.writeToRepository(model, repository, name).resolve("1/model.onnx"))
          .as(name)
          .isRegularFile();
    }
  }

  @Test
  void configIsAcceptedByTheStrictModelConfigReader() throws IOException {
    Path modelDir = IrisDemo.writeToRepository(model, repository, "iris-tribuo");

    ModelConfig config = ModelConfigLoader.load(modelDir.resolve("config.yaml"), Map.of());

    assertThat(modelDir.resolve(config.labels())).isEqualTo(modelDir.resolve("labels.json"));
    assertThat(config.platform()).isEqualTo(ModelConfig.ONNX_PLATFORM);
  }

  @Test
  void rejectsATooLongModelName() {
    assertThatThrownBy(() -> IrisDemo.writeToRepository(model, repository, "m".repeat(129)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("modelName: 'mmm");
  }

  @Test
  void rejectsANullModel() {
    assertThatThrownBy(() -> IrisDemo.writeToRepository(null, repository, "iris"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("model: null (expected: a trained DemoModel)");
  }

  @Test
  void rejectsANullRepositoryFolder() {
    assertThatThrownBy(() -> IrisDemo.writeToRepository(model, null, "iris"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("repositoryDir: null (expected: a folder)");
  }

  @Test
  void rejectsARepositoryPathThatIsAFile() throws IOException {
    Path file = Files.writeString(repository.resolve("file.txt"), "not a folder");

    assertThatThrownBy(() -> IrisDemo.writeToRepository(model, file, "iris"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("repositoryDir: '" + file + "' is not a folder (expected: a folder)");
  }

  @Test
  void rejectsAVersionBelowOne() {
    assertThatThrownBy(() -> IrisDemo.writeToRepository(model, repository, "iris", 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("version: 0 (expected: >= 1)");
  }

  private static Map<String, String> readLabels(Path modelDir) throws IOException {
    return JSON.readValue(
        modelDir.resolve("labels.json").toFile(),
        new TypeReference<LinkedHashMap<String, String>>() {});
  }

  private static List<String> filesUnder(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(file -> dir.relativize(file).toString().replace('\\', '/'))
          .toList();
    }
  }
}
