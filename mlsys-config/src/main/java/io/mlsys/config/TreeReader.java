package io.mlsys.config;

import static io.mlsys.config.ConfigViolation.join;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.core.ModelNames;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Reads values out of a parsed YAML tree strictly, recording every problem in one {@link
 * Violations}: a value of the wrong type is never coerced, except text written as {@code ${VAR}},
 * which is read as the type the key needs. Every reader returns null when the value is absent or
 * invalid (and then has recorded why, unless it was simply absent).
 */
final class TreeReader {
  /**
   * Stands in for a required text that is missing or invalid (and recorded), so that the record
   * around it can still be built and checked; it never escapes because the load then fails.
   */
  static final String STAND_IN = "invalid";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Map<String, String> environment;
  private final Path baseDir;
  private final Violations violations = new Violations();

  TreeReader(Map<String, String> environment, Path baseDir) {
    this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    this.baseDir = Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath().normalize();
  }

  Violations violations() {
    return violations;
  }

  Path baseDir() {
    return baseDir;
  }

  // ---- structure

  /** The known fields of a mapping; unknown keys are recorded with the keys that are allowed. */
  Map<String, JsonNode> object(JsonNode node, String path, List<String> keys) {
    if (isAbsent(node)) {
      return Map.of();
    }
    if (!node.isObject()) {
      bad(path, node, "a mapping with keys: " + String.join(", ", keys));
      return Map.of();
    }
    Map<String, JsonNode> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (keys.contains(entry.getKey())) {
        fields.put(entry.getKey(), entry.getValue());
      } else {
        violations.add(
            join(path, entry.getKey()),
            "unknown key (expected one of: " + String.join(", ", keys) + ")");
      }
    }
    return fields;
  }

  static boolean isAbsent(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull();
  }

  /** Records that a required key is missing. */
  void missing(String path, String expected) {
    violations.add(path, "missing (expected: " + expected + ")");
  }

  // ---- scalars

  String string(JsonNode node, String path, String expected, boolean nullable) {
    if (node == null || (nullable && node.isNull())) {
      return null;
    }
    if (!node.isTextual()) {
      bad(path, node, expected);
      return null;
    }
    return substitute(node.textValue(), path);
  }

  /** A required string: missing and null are recorded. */
  String requiredString(JsonNode node, String path, String expected) {
    if (node == null) {
      missing(path, expected);
      return null;
    }
    return string(node, path, expected, false);
  }

  /** A version: a YAML integer or a string, checked by the record. */
  String version(JsonNode node, String path) {
    if (node == null) {
      return null;
    }
    if (node.isIntegralNumber()) {
      return node.asText();
    }
    return string(node, path, ModelNames.EXPECTED_VERSION, false);
  }

  Long integer(JsonNode node, String path, String expected, boolean nullable) {
    if (node == null || (nullable && node.isNull())) {
      return null;
    }
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      bad(path, node, expected);
      return null;
    }
    String text = fromEnvironment(node, path, expected);
    if (text == null) {
      return null;
    }
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      badSubstituted(path, node, text, expected);
      return null;
    }
  }

  /** An integer that must fit an int; out of range is recorded with {@code expected}. */
  Integer smallInteger(JsonNode node, String path, String expected) {
    Long value = integer(node, path, expected, false);
    if (value == null) {
      return null;
    }
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      violations.invalid(path, value, expected);
      return null;
    }
    return value.intValue();
  }

  /** A number (YAML integer or float); infinite values are left to the records to refuse. */
  Double number(JsonNode node, String path, String expected) {
    if (node == null) {
      return null;
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    String text = fromEnvironment(node, path, expected);
    if (text == null) {
      return null;
    }
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      badSubstituted(path, node, text, expected);
      return null;
    }
  }

  /** A list of numbers; null (recorded) when it or an element is not. */
  List<Double> numbers(JsonNode node, String path, String expected) {
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      bad(path, node, expected);
      return null;
    }
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      Double value = number(node.get(i), path + "[" + i + "]", "a number");
      if (value == null) {
        return null;
      }
      values.add(value);
    }
    return values;
  }

  /** A list of strings; null (recorded) when it or an element is not. */
  List<String> strings(JsonNode node, String path, String expected) {
    if (node == null) {
      return null;
    }
    if (!node.isArray()) {
      bad(path, node, expected);
      return null;
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      String value = string(node.get(i), path + "[" + i + "]", expected, false);
      if (value == null) {
        return null;
      }
      values.add(value);
    }
    return values;
  }

  Boolean bool(JsonNode node, String path, boolean nullable) {
    String expected = "true or false";
    if (node == null || (nullable && node.isNull())) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    String text = fromEnvironment(node, path, expected);
    if (text == null) {
      return null;
    }
    return switch (text.strip()) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        badSubstituted(path, node, text, expected);
        yield null;
      }
    };
  }

  Duration duration(JsonNode node, String path, String expected, boolean nullable) {
    if (node == null || (nullable && node.isNull())) {
      return null;
    }
    if (!node.isTextual()) {
      bad(path, node, expected);
      return null;
    }
    String text = substitute(node.textValue(), path);
    if (text == null) {
      return null;
    }
    var parsed = Durations.parse(text);
    if (parsed.isEmpty()) {
      badSubstituted(path, node, text, expected);
      return null;
    }
    return parsed.get();
  }

  /**
   * The text of a non-string value that was written as {@code ${VAR}}; null (recorded) when the
   * node is a literal of the wrong type.
   */
  private String fromEnvironment(JsonNode node, String path, String expected) {
    if (node.isTextual() && node.textValue().contains("${")) {
      return substitute(node.textValue(), path);
    }
    bad(path, node, expected);
    return null;
  }

  /** Narrows to int; out of range is recorded with {@code expected}, then a harmless 0. */
  int toInt(long value, String path, String expected) {
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      violations.invalid(path, value, expected);
      return 0;
    }
    return (int) value;
  }

  /** Substitutes {@code ${NAME}} and {@code ${NAME:-default}}; null (recorded) on failure. */
  String substitute(String text, String path) {
    if (!text.contains("${")) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      if (text.startsWith("$${", i)) {
        out.append("${");
        i += 3;
      } else if (text.startsWith("${", i)) {
        int end = text.indexOf('}', i + 2);
        if (end < 0) {
          violations.add(
              path,
              "'"
                  + text
                  + "' has an unclosed ${ (expected: ${NAME} or ${NAME:-default};"
                  + " write $${ for a literal ${)");
          return null;
        }
        String expression = text.substring(i + 2, end);
        int separator = expression.indexOf(":-");
        String name = separator < 0 ? expression : expression.substring(0, separator);
        if (!ENV_NAME.matcher(name).matches()) {
          violations.add(
              path,
              "'"
                  + text
                  + "' (expected: ${NAME} or ${NAME:-default}, NAME of letters, digits and '_')");
          return null;
        }
        String value = environment.get(name);
        if (separator >= 0 && (value == null || value.isEmpty())) {
          value = expression.substring(separator + 2);
        }
        if (value == null) {
          violations.add(
              path,
              "'"
                  + text
                  + "' (expected: the environment variable "
                  + name
                  + " to be set, or a default as in ${"
                  + name
                  + ":-value})");
          return null;
        }
        out.append(value);
        i = end + 1;
      } else {
        out.append(text.charAt(i));
        i++;
      }
    }
    return out.toString();
  }

  /** A path against the folder of the file; null when it is not a path at all. */
  Path resolve(String path) {
    try {
      return baseDir.resolve(path).normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  /** A relative path resolved against the folder of the file, as text; unchanged when invalid. */
  String resolvedText(String path) {
    Path file = resolve(path);
    return file == null ? path : file.toString();
  }

  void bad(String path, JsonNode node, String expected) {
    violations.add(path, shown(node) + " (expected: " + expected + ")");
  }

  private void badSubstituted(String path, JsonNode node, String text, String expected) {
    String shown = text.equals(node.textValue()) ? "'" + text : shown(node) + " = '" + text;
    violations.add(path, shown + "' (expected: " + expected + ")");
  }

  static String shown(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return "null";
    }
    if (node.isTextual()) {
      return "'" + node.textValue() + "'";
    }
    if (node.isObject()) {
      return node.isEmpty() ? "{}" : "a mapping";
    }
    if (node.isArray()) {
      return node.isEmpty() ? "[]" : "a list";
    }
    return node.asText();
  }

  // ---- fields of a mapping

  /** A boolean with a default when absent; the default also stands in when invalid (recorded). */
  boolean boolOr(JsonNode node, String path, boolean fallback) {
    Boolean value = bool(node, path, false);
    return value == null ? fallback : value;
  }

  /** An int with a default when absent; the default also stands in when invalid (recorded). */
  int intOr(JsonNode node, String path, String expected, int fallback) {
    if (node == null) {
      return fallback;
    }
    Integer value = smallInteger(node, path, expected);
    return value == null ? fallback : value;
  }

  /** A required int; 1 stands in when it is missing or invalid (recorded). */
  int requiredInt(Map<String, JsonNode> fields, String key, String path, String expected) {
    JsonNode node = fields.get(key);
    if (node == null) {
      missing(join(path, key), expected);
      return 1;
    }
    Integer value = smallInteger(node, join(path, key), expected);
    return value == null ? 1 : value;
  }

  /** A required string; {@link #STAND_IN} when it is missing or invalid (recorded). */
  String requiredField(Map<String, JsonNode> fields, String key, String path, String expected) {
    String value = requiredString(fields.get(key), join(path, key), expected);
    return value == null ? STAND_IN : value;
  }

  String optionalField(Map<String, JsonNode> fields, String key, String path, String expected) {
    return string(fields.get(key), join(path, key), expected, false);
  }

  /** A required list of numbers; null when it is missing or invalid (recorded). */
  List<Double> requiredNumbers(Map<String, JsonNode> fields, String key, String path) {
    return requiredList(fields, key, path, this::numbers, "a non-empty list of numbers");
  }

  /** Reads a list value, as {@link #numbers} and {@link #strings} do. */
  interface ListReader<T> {
    List<T> read(JsonNode node, String path, String expected);
  }

  /** A required list; null when it is missing or invalid (recorded). */
  <T> List<T> requiredList(
      Map<String, JsonNode> fields,
      String key,
      String path,
      ListReader<T> reader,
      String expected) {
    JsonNode node = fields.get(key);
    if (node == null) {
      missing(join(path, key), expected);
      return null;
    }
    return reader.read(node, join(path, key), expected);
  }

  /** The known keys of a mapping; null (recorded) when it is not a mapping. */
  Map<String, JsonNode> fields(JsonNode node, String path, List<String> keys, String expected) {
    if (node == null || !node.isObject()) {
      bad(path, node, expected);
      return null;
    }
    return object(node, path, keys);
  }

  /** Builds a record; its violations are recorded under {@code path} and null returned. */
  <T> T build(String path, Supplier<T> constructor) {
    try {
      return constructor.get();
    } catch (ConfigException e) {
      violations.addAll(path, e);
      return null;
    }
  }
}
