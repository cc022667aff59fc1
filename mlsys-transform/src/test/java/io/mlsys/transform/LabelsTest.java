package io.mlsys.transform;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels files as the transforms see them; the formats are tested with {@code LabelsFile}. */
class LabelsTest {
  @TempDir Path dir;

  @Test
  void aMissingFileFailsCompilationNamingTheStep() {
    Path missing = dir.resolve("nope.json");

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.Argmax("p", null, missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[0].argmax.labels: '"
                + missing
                + "' (expected: a readable labels file: no such file)");
  }

  @Test
  void invalidJsonFailsCompilation() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.json"), "{\"0\": ");

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.TopK("p", 1, "t", file)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "[0].top-k.labels: '" + file + "' (expected: a readable labels file: not valid JSON");
  }

  @Test
  void labelsMustBeKeyedByIndex() throws IOException {
    Path file = Files.writeString(dir.resolve("l.json"), "{\"0\": \"a\", \"2\": \"c\"}");

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.Argmax("p", null, file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[0].argmax.labels: '"
                + file
                + "' (expected: a readable labels file: key '2' (expected: an index from 0 to 1))");
  }

  @Test
  void anEmptyFileHasNoLabels() throws IOException {
    Path file = Files.writeString(dir.resolve("empty.txt"), "");

    assertThatThrownBy(() -> Steps.pipeline(new TransformConfig.Argmax("p", null, file)))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "[0].argmax.labels: '"
                + file
                + "' (expected: a readable labels file: the file holds no labels)");
  }
}
