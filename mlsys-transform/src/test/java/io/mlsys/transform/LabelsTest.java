package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.TransformConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {
  @TempDir Path dir;

  @Test
  void readsAJsonObjectOfIndexToLabelInIndexOrder() throws IOException {
    Path file = Files.writeString(dir.resolve("l.json"), "{\"1\": \"b\", \"0\": \"a\", \"2\": 3}");

    assertThat(Labels.read(file)).containsExactly("a", "b", "3");
  }

  @Test
  void readsAJsonArray() throws IOException {
    Path file = Files.writeString(dir.resolve("l.json"), "[\"x\", \"y\"]");

    assertThat(Labels.read(file)).containsExactly("x", "y");
  }

  @Test
  void readsOneLabelALineKeepingSpaces() throws IOException {
    Path file = Files.writeString(dir.resolve("l.txt"), "cat\r\n dog\n \n");

    assertThat(Labels.read(file)).containsExactly("cat", " dog", " ");
  }

  @Test
  void readsTheSharedLabelFiles() throws IOException {
    Path iris = Fixtures.require("sklearn-iris/label.json");
    Path imagenet = Fixtures.require("images/imagenet_labels_1000.json");
    Path ocr = Fixtures.require("paddleocr/ppocr_keys_v1.txt");

    assertThat(Labels.read(iris)).containsExactly("setosa", "versicolor", "virginica");
    assertThat(Labels.read(imagenet)).hasSize(1000).startsWith("tench", "goldfish");
    assertThat(Labels.read(ocr)).hasSize(6623).startsWith("'");
  }

  @Test
  void anObjectWithAGapIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("l.json"), "{\"0\": \"a\", \"2\": \"c\"}");

    assertThatThrownBy(() -> Labels.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key '2' (expected: an index from 0 to 1)");
  }

  @Test
  void aMissingFileFailsCompilationNamingTheStep() {
    String missing = dir.resolve("nope.json").toString();

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.Argmax("p", null, missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[0].argmax.labels: '"
                + missing
                + "' (expected: a readable labels file: no such file)");
  }

  @Test
  void invalidJsonFailsCompilation() throws IOException {
    String file = Files.writeString(dir.resolve("bad.json"), "{\"0\": ").toString();

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.TopK("p", 1, "t", file)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "[0].top-k.labels: '" + file + "' (expected: a readable labels file: not valid JSON");
  }

  @Test
  void anEmptyFileHasNoLabels() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.txt"), "");

    assertThatThrownBy(() -> Labels.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the file holds no labels");
  }

  @Test
  void nestedValuesAreNotLabels() throws IOException {
    Path file = Files.writeString(dir.resolve("l.json"), "[\"a\", [\"b\"]]");

    assertThatThrownBy(() -> Labels.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("[1] is array (expected: a label)");
  }
}
