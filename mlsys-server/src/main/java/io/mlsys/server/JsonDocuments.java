package io.mlsys.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.repository.ModelStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON documents only the server writes (errors, server metadata, model lists, statistics),
 * made with Jackson's streaming generator: no object trees, no reflection.
 */
final class JsonDocuments {
  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).build())
          .build();

  static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.US_ASCII);

  private JsonDocuments() {}

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

  /** {@code {"error": message}}, the body of every error answer. */
  static byte[] error(String message) {
    return write(
        json -> {
          json.writeStartObject();
          // The safety net behind the caps at each source: no error body grows with the request.
          json.writeStringField("error", message == null ? "" : ErrorMessages.cap(message));
          json.writeEndObject();
        });
  }

  /** {@code GET /v2}: {@code {"name","version","extensions"}}. */
  static byte[] serverMetadata(String name, String version, List<String> extensions) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("name", name);
          json.writeStringField("version", version);
          json.writeArrayFieldStart("extensions");
          for (String extension : extensions) {
            json.writeString(extension);
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  /** {@code GET /v2/models}: {@code {"models": [{name, version, state, reason}, ...]}}. */
  static byte[] modelList(List<ModelStatus> statuses) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeFieldName("models");
          writeStatuses(json, statuses);
          json.writeEndObject();
        });
  }

  /** {@code POST /v2/repository/index}: {@code [{name, version, state, reason}, ...]}. */
  static byte[] repositoryIndex(List<ModelStatus> statuses) {
    return write(json -> writeStatuses(json, statuses));
  }

  private static void writeStatuses(JsonGenerator json, List<ModelStatus> statuses)
      throws IOException {
    json.writeStartArray();
    for (ModelStatus status : statuses) {
      json.writeStartObject();
      json.writeStringField("name", status.name());
      json.writeStringField("version", status.version());
      json.writeStringField("state", status.state().name());
      json.writeStringField("reason", status.reason());
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  /** KServe V1 {@code GET /v1/models/{m}}: {@code {"name", "ready"}}. */
  static byte[] v1ModelStatus(String name, boolean ready) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeStringField("name", name);
          json.writeBooleanField("ready", ready);
          json.writeEndObject();
        });
  }

  /** {@code GET /v2/models/{m}/stats}: {@code {"model_stats": [...]}}. */
  static byte[] statistics(List<VersionStats.Snapshot> snapshots) {
    return write(
        json -> {
          json.writeStartObject();
          json.writeArrayFieldStart("model_stats");
          for (VersionStats.Snapshot stats : snapshots) {
            json.writeStartObject();
            json.writeStringField("name", stats.model());
            json.writeStringField("version", stats.version());
            json.writeNumberField("success_count", stats.successCount());
            json.writeNumberField("failure_count", stats.failureCount());
            json.writeObjectFieldStart("latency_us");
            json.writeNumberField("count", stats.latencyCount());
            json.writeNumberField("mean", stats.meanMicros());
            json.writeNumberField("p50", stats.p50Micros());
            json.writeNumberField("p99", stats.p99Micros());
            json.writeNumberField("max", stats.maxMicros());
            json.writeEndObject();
            json.writeEndObject();
          }
          json.writeEndArray();
          json.writeEndObject();
        });
  }

  /**
   * Reads the optional body of {@code POST /v2/repository/index}: empty, {@code {}} or {@code
   * {"ready": true|false}}.
   *
   * @return whether only ready models are asked for
   * @throws InvalidInputException naming the field when the body is anything else
   */
  static boolean readIndexRequest(byte[] body) {
    boolean[] readyOnly = {false};
    readObject(
        body,
        "{\"ready\": bool}",
        (field, value, parser) -> {
          if (!"ready".equals(field)) {
            throw new InvalidInputException(field, "unknown field (expected: ready)");
          }
          if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new InvalidInputException(
                "ready", parser.getText() + " (expected: true or false)");
          }
          readyOnly[0] = value == JsonToken.VALUE_TRUE;
        });
    return readyOnly[0];
  }

  /**
   * Checks the optional body of {@code POST /v2/repository/models/{m}/load} and {@code /unload}:
   * empty, {@code {}} or {@code {"parameters": {}}}. Triton's load parameters (a config override,
   * model files, unloading dependents) are not served, so any parameter is refused by name rather
   * than ignored.
   */
  static void readLoadRequest(byte[] body) {
    readObject(
        body,
        "{} or {\"parameters\": {}}",
        (field, value, parser) -> {
          if (!"parameters".equals(field)) {
            throw new InvalidInputException(field, "unknown field (expected: parameters)");
          }
          if (value != JsonToken.START_OBJECT) {
            throw new InvalidInputException(
                "parameters", parser.getText() + " (expected: a JSON object)");
          }
          if (parser.nextToken() != JsonToken.END_OBJECT) {
            throw new InvalidInputException(
                "parameters." + parser.currentName(), "not supported (expected: no parameters)");
          }
        });
  }

  /** Reads one field of a small request object; the parser is on the field's value. */
  @FunctionalInterface
  private interface FieldReader {
    void read(String field, JsonToken value, JsonParser parser) throws IOException;
  }

  /**
   * Reads an optional request body that must be one JSON object (empty: nothing to read), handing
   * each field to {@code fields}, which consumes the field's value.
   *
   * @param expected the accepted shape, for the error messages
   */
  private static void readObject(byte[] body, String expected, FieldReader fields) {
    if (body.length == 0) {
      return;
    }
    try (JsonParser parser = FACTORY.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidInputException("body", "not a JSON object (expected: " + expected + ")");
      }
      for (JsonToken token = parser.nextToken();
          token != JsonToken.END_OBJECT;
          token = parser.nextToken()) {
        String field = parser.currentName();
        fields.read(field, parser.nextToken(), parser);
      }
      if (parser.nextToken() != null) {
        throw new InvalidInputException(
            "body", "data after the JSON object (expected: one object)");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "body", "malformed JSON: " + e.getOriginalMessage() + " (expected: " + expected + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
