package io.mlsys.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a labels file: a JSON object of class key to label, {@code {"0": "setosa"}}, or a JSON
 * array of labels whose keys are the indexes, {@code ["setosa", "versicolor"]}.
 */
final class Labels {
  /** Larger label files are refused. */
  static final long MAX_BYTES = 16L * 1024 * 1024;

  static final String EXPECTED =
      "a JSON object of class key to label such as {\"0\": \"setosa\"}, or a JSON array of labels";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private Labels() {}

  /** A labels file that cannot be used; the message names the file and what is wrong. */
  static final class InvalidLabelsException extends Exception {
    InvalidLabelsException(String file, String problem) {
      super("labels: " + file + ": " + problem + " (expected: " + EXPECTED + ")");
    }
  }

  /**
   * The labels in {@code file}; empty when {@code file} is null.
   *
   * @param shown how messages name the file (a client sees them)
   */
  static Map<String, String> read(Path file, String shown) throws InvalidLabelsException {
    if (file == null) {
      return Map.of();
    }
    JsonNode root;
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new InvalidLabelsException(shown, size + " bytes is more than " + MAX_BYTES);
      }
      root = JSON.readTree(file.toFile());
    } catch (NoSuchFileException e) {
      throw new InvalidLabelsException(shown, "no such file");
    } catch (JsonProcessingException e) {
      throw new InvalidLabelsException(
          shown,
          "not valid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidLabelsException(
          shown, "cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (root != null && root.isObject()) {
      for (Map.Entry<String, JsonNode> entry : root.properties()) {
        labels.put(entry.getKey(), text(shown, "\"" + entry.getKey() + "\"", entry.getValue()));
      }
    } else if (root != null && root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        labels.put(String.valueOf(i), text(shown, "[" + i + "]", root.get(i)));
      }
    } else {
      throw new InvalidLabelsException(
          shown,
          "the document is " + (root == null || root.isMissingNode() ? "empty" : kind(root)));
    }
    return labels;
  }

  private static String text(String shown, String where, JsonNode value)
      throws InvalidLabelsException {
    if (!value.isTextual()) {
      throw new InvalidLabelsException(
          shown, "the label at " + where + " is " + kind(value) + ", not a string");
    }
    return value.textValue();
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case NULL -> "null";
      case STRING -> "the string '" + node.textValue() + "'";
      default -> node.toString();
    };
  }
}
