package io.mlsys.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one MLflow API call, as MLflow reads them: from the query string of a GET, from
 * the JSON object body of a POST, PATCH or DELETE. Values are read as MLflow's protobuf JSON parser
 * reads them (64-bit integers also as strings, as protobuf clients send them; doubles also as
 * {@code "NaN"} and {@code "Infinity"}); a value of the wrong type, or a required one that is
 * missing or empty, is an {@link InvalidInputException} naming the parameter.
 */
final class MlflowRequest {
  private final Exchange exchange;
  private final boolean query;
  private final ObjectNode body;

  private MlflowRequest(Exchange exchange, boolean query, ObjectNode body) {
    this.exchange = exchange;
    this.query = query;
    this.body = body;
  }

  /** The parameters of a call: the query string of a GET (or HEAD), else the JSON body. */
  static MlflowRequest of(Exchange exchange) {
    String method = exchange.method();
    if (method.equals("GET") || method.equals("HEAD")) {
      return new MlflowRequest(exchange, true, null);
    }
    return new MlflowRequest(exchange, false, MlflowJson.readObject(exchange.body()));
  }

  /** A string parameter, null when absent, null or empty (protobuf's default). */
  String string(String name) {
    if (query) {
      String value = exchange.query(name);
      return value == null || value.isEmpty() ? null : value;
    }
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid(name, node, "a string");
    }
    return node.asText().isEmpty() ? null : node.asText();
  }

  /** A string parameter that must be given and not be empty. */
  String required(String name) {
    String value = string(name);
    if (value == null) {
      throw missing(name);
    }
    return value;
  }

  /** The run a tracking call names: {@code run_id}, or the older {@code run_uuid}. */
  String runId() {
    String id = string("run_id");
    if (id == null) {
      id = string("run_uuid");
    }
    if (id == null) {
      throw missing("run_id");
    }
    return id;
  }

  /** A model version number, given as a string as MLflow has it; at least 1. */
  long version(String name) {
    String text = required(name);
    long version;
    try {
      version = Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      version = 0;
    }
    if (version < 1) {
      throw new InvalidInputException(
          name,
          "'" + ErrorMessages.excerpt(text) + "' is not a version (expected: an integer >= 1)");
    }
    return version;
  }

  /** A 64-bit integer parameter (a JSON number or a string of digits), null when absent. */
  Long optionalLong(String name) {
    JsonNode node = query ? textNode(exchange.query(name)) : body.get(name);
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
      return null;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText().strip());
      } catch (NumberFormatException e) {
        throw invalid(name, node, "an integer");
      }
    }
    throw invalid(name, node, "an integer");
  }

  /** A 64-bit integer parameter that must be given. */
  long requiredLong(String name) {
    Long value = optionalLong(name);
    if (value == null) {
      throw missing(name);
    }
    return value;
  }

  /** {@code max_results}: {@code defaultValue} when absent, else 1 to {@code max}. */
  int maxResults(int defaultValue, int max) {
    Long value = optionalLong("max_results");
    if (value == null || value == 0) {
      // Protobuf clients leave 0 out or send it for "not set".
      return defaultValue;
    }
    if (value < 1 || value > max) {
      throw new InvalidInputException(
          "max_results", value + " (expected: an integer from 1 to " + max + ")");
    }
    return value.intValue();
  }

  /** A double parameter that must be given: a number, or {@code "NaN"}, {@code "Infinity"}... */
  double requiredDouble(String name) {
    JsonNode node = query ? textNode(exchange.query(name)) : body.get(name);
    if (node == null || node.isNull()) {
      throw missing(name);
    }
    return doubleOf(name, node);
  }

  /** A boolean parameter ({@code true}/{@code false}, also as strings), or the default. */
  boolean bool(String name, boolean defaultValue) {
    JsonNode node = query ? textNode(exchange.query(name)) : body.get(name);
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
      return Boolean.parseBoolean(node.asText());
    }
    throw invalid(name, node, "true or false");
  }

  /** A repeated string parameter: every value of a query parameter, or a JSON array. */
  List<String> strings(String name) {
    if (query) {
      return exchange.queryAll(name);
    }
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid(name, node, "an array of strings");
    }
    List<String> values = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isTextual()) {
        throw invalid(name + "[" + i + "]", item, "a string");
      }
      values.add(item.asText());
    }
    return values;
  }

  /**
   * A list of {@code {"key", "value"}} objects (tags, params) in order; a missing value is empty,
   * as in protobuf.
   */
  Map<String, String> keyValues(String name) {
    Map<String, String> values = new LinkedHashMap<>();
    List<JsonNode> items = objects(name);
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String path = name + "[" + i + "]";
      String key = text(item, "key", path);
      if (key == null || key.isEmpty()) {
        throw missing(path + ".key");
      }
      String value = text(item, "value", path);
      values.put(key, value == null ? "" : value);
    }
    return values;
  }

  /** A list of JSON objects (a body parameter), each checked to be an object. */
  List<JsonNode> objects(String name) {
    if (query) {
      return List.of();
    }
    JsonNode node = body.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw invalid(name, node, "an array of objects");
    }
    List<JsonNode> items = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isObject()) {
        throw invalid(name + "[" + i + "]", node.get(i), "an object");
      }
      items.add(node.get(i));
    }
    return items;
  }

  /** A string field of an object in a list, null when absent. */
  static String text(JsonNode object, String field, String path) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw invalid(path + "." + field, node, "a string");
    }
    return node.asText();
  }

  /** A 64-bit integer field of an object in a list (number or string), or the default. */
  static long longOf(JsonNode object, String field, String path, Long defaultValue) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      if (defaultValue == null) {
        throw missing(path + "." + field);
      }
      return defaultValue;
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.asLong();
    }
    if (node.isTextual()) {
      try {
        return Long.parseLong(node.asText().strip());
      } catch (NumberFormatException e) {
        // answered below
      }
    }
    throw invalid(path + "." + field, node, "an integer");
  }

  /** A double: a JSON number, or a string protobuf's JSON accepts for one. */
  static double doubleOf(String name, JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isTextual()) {
      String text = node.asText().strip();
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            return Double.parseDouble(text);
          } catch (NumberFormatException e) {
            // answered below
          }
      }
    }
    throw invalid(name, node, "a number");
  }

  static InvalidInputException missing(String name) {
    return new InvalidInputException(name, "missing value for required parameter '" + name + "'");
  }

  private static InvalidInputException invalid(String name, JsonNode node, String expected) {
    String shown =
        node.isTextual() ? "'" + ErrorMessages.excerpt(node.asText()) + "'" : excerpt(node);
    return new InvalidInputException(name, shown + " (expected: " + expected + ")");
  }

  private static String excerpt(JsonNode node) {
    try {
      return ErrorMessages.excerpt(MlflowJson.MAPPER.writeValueAsString(node));
    } catch (JacksonException e) {
      return node.getNodeType().toString();
    }
  }

  private static JsonNode textNode(String value) {
    return value == null ? null : MlflowJson.MAPPER.getNodeFactory().textNode(value);
  }
}
