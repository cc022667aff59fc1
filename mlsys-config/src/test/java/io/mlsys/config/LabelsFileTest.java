package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.LabelsFile.InvalidLabelsException;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsFileTest {
  @TempDir Path dir;

  @Test
  void aJsonObjectKeepsItsClassKeysInFileOrder() throws Exception {
    Path file = write("l.json", "{\"setosa-id\": \"setosa\", \"1\": \"versicolor\"}");

    assertThat(LabelsFile.read(file))
        .containsExactly(Map.entry("setosa-id", "setosa"), Map.entry("1", "versicolor"));
  }

  @Test
  void aJsonObjectOfIndexesIsReadInIndexOrder() throws Exception {
    Path file = write("l.json", "{\"1\": \"b\", \"0\": \"a\", \"2\": 3}");

    assertThat(LabelsFile.readIndexed(file)).containsExactly("a", "b", "3");
  }

  @Test
  void aJsonArrayIsKeyedByIndex() throws Exception {
    Path file = write("l.json", "[\"tench\", \"goldfish\"]");

    assertThat(LabelsFile.read(file))
        .containsExactly(Map.entry("0", "tench"), Map.entry("1", "goldfish"));
    assertThat(LabelsFile.readIndexed(file)).containsExactly("tench", "goldfish");
  }

  @Test
  void anyOtherFileHoldsOneLabelALineKeepingSpaces() throws Exception {
    Path file = write("l.txt", "cat\r\n dog\n \n");

    assertThat(LabelsFile.readIndexed(file)).containsExactly("cat", " dog", " ");
    assertThat(LabelsFile.read(file)).containsEntry("1", " dog").hasSize(3);
  }

  @Test
  void aTextFileThatLooksLikeJsonIsText() throws Exception {
    Path file = write("labels", "[\"a\"]\n");

    assertThat(LabelsFile.readIndexed(file)).containsExactly("[\"a\"]");
  }

  @Test
  void readsTheSharedLabelFiles() throws Exception {
    Path iris = Fixtures.require("sklearn-iris/label.json");
    Path imagenet = Fixtures.require("images/imagenet_labels_1000.json");
    Path ocr = Fixtures.require("paddleocr/ppocr_keys_v1.txt");

    assertThat(LabelsFile.readIndexed(iris)).containsExactly("setosa", "versicolor", "virginica");
    assertThat(LabelsFile.readIndexed(imagenet)).hasSize(1000).startsWith("tench", "goldfish");
    assertThat(LabelsFile.readIndexed(ocr)).hasSize(6623).startsWith("'");
  }

  @Test
  void aMissingFileIsNamedSo() {
    assertThatThrownBy(() -> LabelsFile.read(dir.resolve("nope.json")))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessage("no such file");
  }

  @Test
  void invalidJsonNamesTheLine() throws IOException {
    Path file = write("l.json", "{\"0\": \"setosa\",\n oops}");

    assertThatThrownBy(() -> LabelsFile.read(file))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessageStartingWith("not valid JSON at line 2, column 2");
  }

  @Test
  void aRepeatedKeyIsRefused() throws IOException {
    Path file = write("l.json", "{\"0\": \"a\", \"0\": \"b\"}");

    assertThatThrownBy(() -> LabelsFile.read(file))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessageContaining("Duplicate field '0'");
  }

  @Test
  void nestedValuesAreNotLabels() throws IOException {
    Path file = write("l.json", "[\"a\", [\"b\"]]");

    assertThatThrownBy(() -> LabelsFile.read(file))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessage("the label at [1] is an array, not a string or number");
  }

  @Test
  void aScalarDocumentIsNotLabels() throws IOException {
    Path file = write("l.json", "\"setosa\"");

    assertThatThrownBy(() -> LabelsFile.read(file))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessage("the document is the string 'setosa'");
  }

  @Test
  void anEmptyJsonFileIsRefused() throws IOException {
    Path file = write("l.json", "  ");

    assertThatThrownBy(() -> LabelsFile.read(file))
        .isInstanceOf(InvalidLabelsException.class)
        .hasMessage("the file is empty");
  }

  @Test
  void indexedLabelsNeedEveryIndexOnce() throws IOException {
    Path gap = write("gap.json", "{\"0\": \"a\", \"2\": \"c\"}");
    Path twice = write("twice.json", "{\"0\": \"a\", \" 0\": \"b\"}");
    Path empty = write("empty.txt", "");

    assertThatThrownBy(() -> LabelsFile.readIndexed(gap))
        .hasMessage("key '2' (expected: an index from 0 to 1)");
    assertThatThrownBy(() -> LabelsFile.readIndexed(twice)).hasMessage("key ' 0' repeats index 0");
    assertThatThrownBy(() -> LabelsFile.readIndexed(empty)).hasMessage("the file holds no labels");
  }

  @Test
  void textThatIsNotUtf8IsRefused() throws IOException {
    Path file = dir.resolve("l.txt");
    Files.write(file, new byte[] {'a', '\n', (byte) 0xff});

    assertThatThrownBy(() -> LabelsFile.read(file)).hasMessage("not UTF-8 text");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
