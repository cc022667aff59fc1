package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.Method;
import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import io.mlsys.predictionlog.Feedback;
import io.mlsys.predictionlog.PredictionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.logging.Logger;

/**
 * The prediction log's endpoints. Its switch, without a restart: {@code GET /v2/prediction-log}
 * answers {@code {"enabled": true}}, {@code PUT /v2/prediction-log} with {@code {"enabled": false}}
 * turns recording off for every model (on again with {@code true}); the change is logged with who
 * made it. Feedback: {@code POST /v2/models/{m}/feedback} with {@code {"request_id": "...",
 * "label": ...}} ({@code value} or {@code reward} instead of {@code label}), or {@code {"feedback":
 * [{...}, ...]}} for several, stored next to the events (the store sink) and answered {@code
 * {"accepted": n}}. A data subject's events: {@code POST /v2/prediction-log/delete-subject} with
 * {@code {"key": "header:x-user-id", "value": "alice"}} deletes them (and their feedback) from the
 * store and answers {@code {"deleted": n}}.
 */
final class PredictionLogEndpoints {
  static final String PATH = "/v2/prediction-log";
  private static final Logger LOG = Logger.getLogger(PredictionLogEndpoints.class.getName());
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  static final String FEEDBACK_PATH = "/v2/models/{model}/feedback";
  static final int MAX_FEEDBACK = 10_000;
  static final int MAX_ID_CHARS = 256;
  static final String EXPECTED_SUBJECT = "{\"key\": \"header:x-user-id\", \"value\": \"...\"}";
  static final String EXPECTED_FEEDBACK = "{\"request_id\": \"...\", \"label\": ...}";

  private final PredictionLog log;
  private final Clock clock;

  PredictionLogEndpoints(PredictionLog log, Clock clock) {
    this.log = log;
    this.clock = clock;
  }

  void addTo(RouteTable routes) {
    routes
        .get(PATH, Protocol.MANAGEMENT, Access.READ, this::state)
        .add(Method.PUT, PATH, Protocol.MANAGEMENT, Access.MANAGE, this::setState)
        .post(FEEDBACK_PATH, Protocol.MANAGEMENT, Access.INFER, this::feedback)
        .post(PATH + "/delete-subject", Protocol.MANAGEMENT, Access.MANAGE, this::deleteSubject);
  }

  Reply deleteSubject(Exchange exchange) {
    JsonNode body = readObject(exchange.body(), EXPECTED_SUBJECT);
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("key") && !name.equals("value")) {
        throw new InvalidInputException(name, "unknown field (expected: key, value)");
      }
    }
    String key = text(body, "key");
    String value = text(body, "value");
    long deleted;
    try {
      deleted = log.deleteSubject(key, value);
    } catch (UnsupportedOperationException e) {
      throw new FailedPreconditionException(
          "deleting a subject needs the store: set prediction-log.store.enabled: true and"
              + " prediction-log.store.subject-field");
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("key", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the prediction log flushed", e);
    }
    LOG.info(
        "prediction log: deleted "
            + deleted
            + " events of the subject with "
            + key
            + " (asked by "
            + GraphEndpoints.caller(exchange)
            + ")");
    return Reply.json(("{\"deleted\":" + deleted + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new InvalidInputException(
          field,
          (value == null ? "missing" : value.toString()) + " (expected: a non-empty string)");
    }
    return value.asText();
  }

  Reply feedback(Exchange exchange) {
    String model = exchange.pathParameter("model");
    if (!ModelNames.isValidName(model)) {
      throw new InvalidInputException("model", "not a model name");
    }
    JsonNode body = readObject(exchange.body(), EXPECTED_FEEDBACK);
    List<Feedback> feedback = new ArrayList<>();
    Instant now = clock.instant();
    if (body.has("feedback")) {
      if (body.size() != 1 || !body.get("feedback").isArray() || body.get("feedback").isEmpty()) {
        throw new InvalidInputException(
            "feedback", "expected: a non-empty array of " + EXPECTED_FEEDBACK + ", alone");
      }
      if (body.get("feedback").size() > MAX_FEEDBACK) {
        throw new InvalidInputException(
            "feedback",
            body.get("feedback").size() + " items (expected: at most " + MAX_FEEDBACK + ")");
      }
      for (int i = 0; i < body.get("feedback").size(); i++) {
        feedback.add(item(model, body.get("feedback").get(i), "feedback[" + i + "]", now));
      }
    } else {
      feedback.add(item(model, body, "", now));
    }
    long accepted;
    try {
      accepted = log.recordFeedback(feedback);
    } catch (UnsupportedOperationException e) {
      throw new FailedPreconditionException(
          "feedback is kept in the store: set prediction-log.store.enabled: true");
    }
    return Reply.json(("{\"accepted\":" + accepted + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static Feedback item(String model, JsonNode item, String path, Instant now) {
    String prefix = path.isEmpty() ? "" : path + ".";
    if (!item.isObject()) {
      throw new InvalidInputException(path, "expected: " + EXPECTED_FEEDBACK);
    }
    String requestId = null;
    Feedback.Kind kind = null;
    JsonNode value = null;
    for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (name.equals("request_id")) {
        JsonNode id = item.get(name);
        if (!id.isTextual() || id.asText().isEmpty() || id.asText().length() > MAX_ID_CHARS) {
          throw new InvalidInputException(
              prefix + name, "expected: a non-empty string of at most " + MAX_ID_CHARS + " chars");
        }
        requestId = id.asText();
        continue;
      }
      Feedback.Kind named = kind(name);
      if (named == null) {
        throw new InvalidInputException(
            prefix + name, "unknown field (expected: request_id, label, value or reward)");
      }
      if (kind != null) {
        throw new InvalidInputException(
            prefix + name,
            "given next to " + kind.key() + " (expected: one of label, value, reward)");
      }
      kind = named;
      value = item.get(name);
    }
    if (requestId == null) {
      throw new InvalidInputException(prefix + "request_id", "missing");
    }
    if (kind == null || value.isNull()) {
      throw new InvalidInputException(
          prefix + "label", "missing (expected: label, value or reward)");
    }
    return new Feedback(model, requestId, kind, value, now);
  }

  private static Feedback.Kind kind(String key) {
    for (Feedback.Kind kind : Feedback.Kind.values()) {
      if (kind.key().equals(key)) {
        return kind;
      }
    }
    return null;
  }

  private static JsonNode readObject(byte[] bytes, String expected) {
    JsonNode body;
    try {
      body = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new InvalidInputException("body", "malformed JSON (expected: " + expected + ")");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidInputException("body", "not a JSON object (expected: " + expected + ")");
    }
    return body;
  }

  Reply state(Exchange exchange) {
    return Reply.json(("{\"enabled\":" + log.isEnabled() + "}").getBytes(StandardCharsets.UTF_8));
  }

  Reply setState(Exchange exchange) {
    JsonNode body = readObject(exchange.body(), "{\"enabled\": true}");
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("enabled")) {
        throw new InvalidInputException(name, "unknown field (expected: enabled)");
      }
    }
    JsonNode enabled = body.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw new InvalidInputException(
          "enabled", (enabled == null ? "missing" : enabled.toString()) + " (expected: a boolean)");
    }
    log.setEnabled(enabled.booleanValue());
    LOG.info(
        "prediction log switched "
            + (enabled.booleanValue() ? "on" : "off")
            + " by "
            + GraphEndpoints.caller(exchange));
    return state(exchange);
  }
}
