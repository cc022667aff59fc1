package io.mlsys.transform;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a labels file: a {@code .json} file holding an array of labels or an object of index to
 * label ({@code {"0": "setosa", ...}}, indices 0 to n-1, each once), or any other file as UTF-8
 * text with one label a line (kept exactly, spaces included; a final line break ends the last label
 * rather than adding an empty one).
 */
final class Labels {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Labels() {}

  /**
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException saying what is wrong with the content
   */
  static List<String> read(Path file) throws IOException {
    List<String> labels =
        file.getFileName() != null
                && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")
            ? json(file)
            : text(file);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("the file holds no labels");
    }
    return List.copyOf(labels);
  }

  private static List<String> json(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(Files.readAllBytes(file));
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new IllegalArgumentException("the file is empty");
    }
    List<String> labels = new ArrayList<>();
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        labels.add(scalar(root.get(i), "[" + i + "]"));
      }
      return labels;
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "JSON "
              + root.getNodeType().name().toLowerCase(Locale.ROOT)
              + " (expected: an array"
              + " of labels or an object of index to label)");
    }
    String[] byIndex = new String[root.size()];
    for (Map.Entry<String, JsonNode> field : root.properties()) {
      int index = index(field.getKey(), byIndex.length);
      if (byIndex[index] != null) {
        throw new IllegalArgumentException("key '" + field.getKey() + "' repeats index " + index);
      }
      byIndex[index] = scalar(field.getValue(), "'" + field.getKey() + "'");
    }
    return Arrays.asList(byIndex);
  }

  /** A key of the index object: 0 to count - 1, so that every index has a label. */
  private static int index(String key, int count) {
    try {
      int index = Integer.parseInt(key.strip());
      if (index >= 0 && index < count) {
        return index;
      }
    } catch (NumberFormatException e) {
      // Reported below with the key.
    }
    throw new IllegalArgumentException(
        "key '" + key + "' (expected: an index from 0 to " + (count - 1) + ")");
  }

  private static String scalar(JsonNode node, String where) {
    if (node.isValueNode() && !node.isNull()) {
      return node.asText();
    }
    throw new IllegalArgumentException(
        where
            + " is "
            + node.getNodeType().name().toLowerCase(Locale.ROOT)
            + " (expected: a label)");
  }

  private static List<String> text(Path file) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    if (content.isEmpty()) {
      return List.of();
    }
    if (content.endsWith("\n")) {
      content = content.substring(0, content.length() - 1);
    }
    List<String> labels = new ArrayList<>();
    for (String line : content.split("\n", -1)) {
      labels.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
    }
    return labels;
  }
}
