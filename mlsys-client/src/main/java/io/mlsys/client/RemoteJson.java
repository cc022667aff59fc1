package io.mlsys.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the small documents of a remote OIP server: model metadata and {@code {"error": ...}}
 * bodies. Lenient where servers differ (unknown keys are ignored; {@code platform}, {@code
 * versions}, {@code classes}, {@code parameters}, {@code labels} and {@code properties} may be
 * absent) and strict on types, so a wrong document fails with the path of the offending value.
 */
final class RemoteJson {
  /** Longest piece of a remote error message kept in ours. */
  static final int MAX_MESSAGE_CHARS = 300;

  private final ObjectMapper mapper = JsonMapper.builder().build();

  /**
   * Parses a model metadata body.
   *
   * @param askedVersion the version asked for; null to take the only version listed, if just one
   * @throws InvalidInputException naming the offending field when the body is not OIP metadata
   */
  ModelMetadata readMetadata(byte[] body, String askedVersion) {
    JsonNode root = tree(body);
    if (!root.isObject()) {
      throw new InvalidInputException("body", kind(root) + " (expected: a JSON object)");
    }
    String name = string(root.get("name"), "name");
    if (name == null) {
      throw new InvalidInputException("name", "missing (expected: the model name)");
    }
    List<String> versions = strings(root.get("versions"), "versions");
    String platform = string(root.get("platform"), "platform");
    String version =
        askedVersion != null ? askedVersion : versions.size() == 1 ? versions.getFirst() : null;
    return new ModelMetadata(
        name,
        version,
        platform == null ? "" : platform,
        specs(root.get("inputs"), "inputs"),
        specs(root.get("outputs"), "outputs"),
        stringMap(root.get("labels"), "labels"),
        stringMap(root.get("properties"), "properties"));
  }

  /**
   * The message of an error body: its {@code error} member, or else the body itself as text (a
   * proxy's page), one line, at most {@value #MAX_MESSAGE_CHARS} characters; empty for no body.
   */
  String errorMessage(byte[] body) {
    if (body == null || body.length == 0) {
      return "";
    }
    try {
      JsonNode error = mapper.readTree(body).get("error");
      if (error != null && error.isTextual()) {
        return oneLine(error.asText());
      }
    } catch (IOException e) {
      // Not JSON: fall through and quote the body as it came.
    }
    return oneLine(new String(body, StandardCharsets.UTF_8));
  }

  private JsonNode tree(byte[] body) {
    try {
      JsonNode root = mapper.readTree(body);
      if (root == null || root.isMissingNode()) {
        throw new InvalidInputException("body", "empty (expected: a JSON object)");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "body", "malformed JSON (" + oneLine(e.getOriginalMessage()) + ")");
    } catch (IOException e) {
      // Reading a byte array does no I/O; anything else Jackson throws is still a bad document.
      throw new InvalidInputException("body", "unreadable JSON (" + oneLine(e.getMessage()) + ")");
    }
  }

  private static List<TensorSpec> specs(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidInputException(field, kind(node) + " (expected: an array of tensors)");
    }
    List<TensorSpec> specs = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      specs.add(spec(node.get(i), field + "[" + i + "]"));
    }
    return specs;
  }

  private static TensorSpec spec(JsonNode node, String field) {
    if (!node.isObject()) {
      throw new InvalidInputException(field, kind(node) + " (expected: a tensor object)");
    }
    String name = string(node.get("name"), field + ".name");
    if (name == null) {
      throw new InvalidInputException(field + ".name", "missing (expected: the tensor name)");
    }
    DataType datatype =
        DataType.fromWireName(
            string(node.get("datatype"), field + ".datatype"), field + ".datatype");
    JsonNode shapeNode = node.get("shape");
    if (shapeNode == null || !shapeNode.isArray()) {
      throw new InvalidInputException(
          field + ".shape",
          (shapeNode == null ? "missing" : kind(shapeNode))
              + " (expected: an array of integers, -1 for a dynamic dimension)");
    }
    List<Long> shape = new ArrayList<>(shapeNode.size());
    for (int i = 0; i < shapeNode.size(); i++) {
      JsonNode dim = shapeNode.get(i);
      if (!dim.isIntegralNumber() || !dim.canConvertToLong() || dim.asLong() < -1) {
        throw new InvalidInputException(
            field + ".shape[" + i + "]", kind(dim) + " (expected: an integer >= -1)");
      }
      shape.add(dim.asLong());
    }
    return new TensorSpec(
        name,
        datatype,
        shape,
        strings(node.get("classes"), field + ".classes"),
        parameters(node.get("parameters"), field + ".parameters"));
  }

  private static Map<String, Object> parameters(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidInputException(field, kind(node) + " (expected: an object of parameters)");
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      Object scalar;
      if (value.isTextual()) {
        scalar = value.asText();
      } else if (value.isBoolean()) {
        scalar = value.asBoolean();
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        scalar = value.asLong();
      } else if (value.isNumber()) {
        scalar = value.asDouble();
      } else {
        throw new InvalidInputException(
            field + "." + entry.getKey(), kind(value) + " (expected: a string, number or boolean)");
      }
      parameters.put(entry.getKey(), scalar);
    }
    return parameters;
  }

  private static Map<String, String> stringMap(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidInputException(field, kind(node) + " (expected: an object of strings)");
    }
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      JsonNode value = entry.getValue();
      if (!value.isValueNode() || value.isNull()) {
        throw new InvalidInputException(
            field + "." + entry.getKey(), kind(value) + " (expected: a string)");
      }
      map.put(entry.getKey(), value.asText());
    }
    return map;
  }

  private static List<String> strings(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidInputException(field, kind(node) + " (expected: an array of strings)");
    }
    List<String> strings = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      strings.add(string(node.get(i), field + "[" + i + "]"));
    }
    return strings;
  }

  /** A string value; null when absent. */
  private static String string(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidInputException(field, kind(node) + " (expected: a string)");
    }
    return node.asText();
  }

  /** A value as an error message shows it: short text of scalars, the kind of containers. */
  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "an object";
    }
    if (node.isArray()) {
      return "an array";
    }
    return oneLine(node.toString());
  }

  /** Remote text made safe for a one-line message: control characters replaced, truncated. */
  static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String trimmed = text.strip();
    StringBuilder out = new StringBuilder(Math.min(trimmed.length(), MAX_MESSAGE_CHARS + 3));
    for (int i = 0; i < trimmed.length(); i++) {
      if (i == MAX_MESSAGE_CHARS) {
        out.append("...");
        break;
      }
      char c = trimmed.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }
}
