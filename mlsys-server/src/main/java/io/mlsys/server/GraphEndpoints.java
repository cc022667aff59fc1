package io.mlsys.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.graph.Graphs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The management API of inference graphs' runtime parameters (parameter-based serving): {@code GET
 * /v2/models/{graph}/parameters} and {@code PUT} with {@code {"parameters": {path: value}}},
 * applied all or nothing and audited with the authenticated caller (or, when tokens are not
 * required, the caller named by the {@value MlsysServer#USER_HEADER} header).
 */
final class GraphEndpoints {
  static final HeaderName USER = HeaderNames.create(MlsysServer.USER_HEADER);
  static final String ANONYMOUS = "anonymous";
  private static final String EXPECTED_BODY =
      "{\"parameters\": {\"<path>\": value, ...}} with values true/false, numbers, strings or null";
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build())
          .build();

  private final ServedModels served;

  GraphEndpoints(ServedModels served) {
    this.served = served;
  }

  /** {@code GET /v2/models/{graph}/parameters}. */
  Reply parameters(Exchange exchange) {
    String name = exchange.pathParameter("model");
    Graphs graphs = graphOf(name);
    Map<String, Object> parameters = graphs.parameters(name);
    return Reply.json(
        write(
            json -> {
              json.writeStartObject();
              json.writeStringField("name", name);
              json.writeObjectFieldStart("parameters");
              for (Map.Entry<String, Object> entry : parameters.entrySet()) {
                json.writeFieldName(entry.getKey());
                writeValue(json, entry.getValue());
              }
              json.writeEndObject();
              json.writeEndObject();
            }));
  }

  /** {@code PUT /v2/models/{graph}/parameters}. */
  Reply setParameters(Exchange exchange) {
    String name = exchange.pathParameter("model");
    Graphs graphs = graphOf(name);
    Map<String, Object> changes = readChanges(exchange.body());
    String who = caller(exchange);
    List<Graphs.ParameterChange> changed = graphs.setParameters(name, changes, who);
    return Reply.json(
        write(
            json -> {
              json.writeStartObject();
              json.writeStringField("name", name);
              json.writeArrayFieldStart("changed");
              for (Graphs.ParameterChange change : changed) {
                json.writeStartObject();
                json.writeStringField("path", change.path());
                json.writeFieldName("old");
                writeValue(json, change.oldValue());
                json.writeFieldName("new");
                writeValue(json, change.newValue());
                json.writeEndObject();
              }
              json.writeEndArray();
              json.writeEndObject();
            }));
  }

  /**
   * Who made a change, for the audit line: the authenticated user ({@code server.auth}); without
   * one (tokens not required and none sent), the unverified {@value MlsysServer#USER_HEADER}
   * header, or {@value #ANONYMOUS}.
   */
  static String caller(Exchange exchange) {
    Identity identity = exchange.caller();
    if (identity != null) {
      return identity.user();
    }
    return exchange.header(USER).filter(RequestPipeline::isValidRequestId).orElse(ANONYMOUS);
  }

  private Graphs graphOf(String name) {
    Graphs graphs = served.graphs();
    if (graphs.contains(name)) {
      return graphs;
    }
    if (served.versions(name).isEmpty()) {
      throw new ModelNotFoundException(name, null);
    }
    throw new InvalidInputException(
        "model",
        "'" + name + "' is a model, not an inference graph (expected: a graph from mlsys.yaml)");
  }

  static Map<String, Object> readChanges(byte[] body) {
    Map<String, Object> changes = new LinkedHashMap<>();
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException(
            "body", "not a JSON object (expected: " + EXPECTED_BODY + ")");
      }
      boolean seen = false;
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String field = parser.currentName();
        if (!"parameters".equals(field)) {
          throw new InvalidInputException(field, "unknown field (expected: parameters)");
        }
        seen = true;
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw new InvalidInputException(
              "parameters", parser.getText() + " (expected: an object of path to value)");
        }
        for (JsonToken entry = parser.nextToken();
            entry != JsonToken.END_OBJECT;
            entry = parser.nextToken()) {
          String path = parser.currentName();
          JsonToken value = parser.nextToken();
          Object parsed =
              switch (value) {
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> null;
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                default ->
                    throw new InvalidInputException(
                        "parameters." + path,
                        "an array or object (expected: true/false, a number, a string or null)");
              };
          if (changes.containsKey(path)) {
            throw new InvalidInputException("parameters." + path, "given twice (expected: once)");
          }
          changes.put(path, parsed);
        }
      }
      if (!seen) {
        throw new InvalidInputException("parameters", "missing (expected: " + EXPECTED_BODY + ")");
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException(
            "body", "data after the JSON object (expected: one object)");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "body",
          "malformed JSON: " + e.getOriginalMessage() + " (expected: " + EXPECTED_BODY + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return changes;
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    switch (value) {
      case null -> json.writeNull();
      case Boolean b -> json.writeBoolean(b);
      case Double d -> json.writeNumber(d);
      case Number n -> json.writeNumber(n.doubleValue());
      default -> json.writeString(value.toString());
    }
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
