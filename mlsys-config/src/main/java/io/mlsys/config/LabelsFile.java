package io.mlsys.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a labels file, the one reader for a model's labels (the repository) and for the labels of
 * {@code argmax} and {@code top-k} (transforms). A file whose name ends in {@code .json} holds a
 * JSON array of labels ({@code ["setosa", "versicolor"]}, keyed by index) or a JSON object of class
 * key to label ({@code {"0": "setosa"}}); a label is a string, or a number or boolean taken as
 * written. Any other file is UTF-8 text with one label a line, kept exactly (spaces included; a
 * final line break ends the last label rather than adding an empty one; {@code \r\n} ends a line as
 * {@code \n} does).
 */
public final class LabelsFile {
  /** Larger label files are refused. */
  public static final long MAX_BYTES = 16L * 1024 * 1024;

  /** What a labels file holds, for messages. */
  public static final String EXPECTED =
      "a .json file holding an array of labels or an object of class key to label such as"
          + " {\"0\": \"setosa\"}, or a text file with one label a line";

  private static final JsonMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private LabelsFile() {}

  /** A labels file that cannot be used; the message says what is wrong, without the file's name. */
  public static final class InvalidLabelsException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidLabelsException(String problem) {
      super(problem);
    }
  }

  /** The labels of {@code file} by class key, in the file's order (indexes for arrays and text). */
  public static Map<String, String> read(Path file) throws InvalidLabelsException {
    byte[] content = content(file);
    if (isJson(file)) {
      return json(content);
    }
    List<String> lines = text(content);
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      labels.put(String.valueOf(i), lines.get(i));
    }
    return labels;
  }

  /**
   * The labels of {@code file} by index: an array, text lines, or an object whose keys are the
   * indexes 0 to n-1, each once. A file with no labels is refused.
   */
  public static List<String> readIndexed(Path file) throws InvalidLabelsException {
    Map<String, String> labels = read(file);
    if (labels.isEmpty()) {
      throw new InvalidLabelsException("the file holds no labels");
    }
    String[] byIndex = new String[labels.size()];
    for (Map.Entry<String, String> label : labels.entrySet()) {
      int index = index(label.getKey(), byIndex.length);
      if (byIndex[index] != null) {
        throw new InvalidLabelsException("key '" + label.getKey() + "' repeats index " + index);
      }
      byIndex[index] = label.getValue();
    }
    return List.of(byIndex);
  }

  private static boolean isJson(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json");
  }

  private static byte[] content(Path file) throws InvalidLabelsException {
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new InvalidLabelsException(size + " bytes is more than " + MAX_BYTES);
      }
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidLabelsException("no such file");
    } catch (IOException e) {
      // The JDK's message would name the server's path; the exception's kind says what went wrong.
      throw new InvalidLabelsException("cannot be read (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static Map<String, String> json(byte[] content) throws InvalidLabelsException {
    JsonNode root;
    try {
      root = JSON.readTree(content);
    } catch (JsonProcessingException e) {
      throw new InvalidLabelsException(
          "not valid JSON at line "
              + e.getLocation().getLineNr()
              + ", column "
              + e.getLocation().getColumnNr()
              + ": "
              + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidLabelsException("cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidLabelsException("the file is empty");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        labels.put(String.valueOf(i), label("[" + i + "]", root.get(i)));
      }
    } else if (root.isObject()) {
      for (Map.Entry<String, JsonNode> entry : root.properties()) {
        labels.put(entry.getKey(), label("\"" + entry.getKey() + "\"", entry.getValue()));
      }
    } else {
      throw new InvalidLabelsException("the document is " + kind(root));
    }
    return labels;
  }

  private static String label(String where, JsonNode value) throws InvalidLabelsException {
    if (value.isValueNode() && !value.isNull()) {
      return value.asText();
    }
    throw new InvalidLabelsException(
        "the label at " + where + " is " + kind(value) + ", not a string or number");
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

  private static List<String> text(byte[] content) throws InvalidLabelsException {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidLabelsException("not UTF-8 text");
    }
    if (text.isEmpty()) {
      return List.of();
    }
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    return Arrays.stream(text.split("\n", -1))
        .map(line -> line.endsWith("\r") ? line.substring(0, line.length() - 1) : line)
        .toList();
  }

  /** A key of an index object: 0 to count - 1, so that every index has a label. */
  private static int index(String key, int count) throws InvalidLabelsException {
    try {
      int index = Integer.parseInt(key.strip());
      if (index >= 0 && index < count) {
        return index;
      }
    } catch (NumberFormatException e) {
      // Reported below with the key.
    }
    throw new InvalidLabelsException(
        "key '" + key + "' (expected: an index from 0 to " + (count - 1) + ")");
  }
}
