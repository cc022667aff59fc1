package io.mlsys.server;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.tracking.Experiment;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MLflow's JSON shapes (its protobuf messages as MLflow's server writes them): snake_case names,
 * timestamps in milliseconds as numbers, version numbers as strings, tags as lists of {@code
 * {"key", "value"}}; fields that are unset, empty or zero are left out, as protobuf's JSON printer
 * does, and clients read them as their defaults.
 */
final class MlflowJson {
  /** Bodies nest a few levels; anything deeper is not an MLflow request. */
  private static final int MAX_NESTING = 16;

  static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
              .build());

  private MlflowJson() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static Reply reply(JsonNode document) {
    try {
      return Reply.json(MAPPER.writeValueAsBytes(document));
    } catch (JacksonException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** {@code {}}: the answer of calls whose response message has no fields. */
  static Reply empty() {
    return Reply.json(JsonDocuments.EMPTY_OBJECT);
  }

  /**
   * The JSON object of a request body; an empty body is an empty object. A body that is a JSON
   * string holding the object (older clients double-encode) is decoded once more, as MLflow does.
   */
  static ObjectNode readObject(byte[] body) {
    if (body.length == 0) {
      return object();
    }
    JsonNode node = parse(body);
    if (node != null && node.isTextual()) {
      node = parse(node.asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      return object();
    }
    if (!node.isObject()) {
      throw new InvalidInputException(
          "request body", node.getNodeType() + " (expected: a JSON object)");
    }
    return (ObjectNode) node;
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      throw new InvalidInputException(
          "request body",
          "malformed JSON: " + ErrorMessages.excerpt(e.getOriginalMessage()) + " (expected: JSON)");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode registeredModel(RegisteredModel model, List<ModelVersion> latest) {
    ObjectNode json = object();
    json.put("name", model.name());
    millis(json, "creation_timestamp", model.created());
    millis(json, "last_updated_timestamp", model.updated());
    text(json, "user_id", model.owner());
    text(json, "description", model.description());
    if (!latest.isEmpty()) {
      ArrayNode versions = json.putArray("latest_versions");
      latest.forEach(version -> versions.add(modelVersion(version)));
    }
    tags(json, "tags", model.tags());
    if (!model.aliases().isEmpty()) {
      ArrayNode aliases = json.putArray("aliases");
      new TreeMap<>(model.aliases())
          .forEach(
              (alias, version) ->
                  aliases.addObject().put("alias", alias).put("version", version.toString()));
    }
    return json;
  }

  static ObjectNode modelVersion(ModelVersion version) {
    ObjectNode json = object();
    json.put("name", version.model());
    json.put("version", Long.toString(version.version()));
    millis(json, "creation_timestamp", version.created());
    millis(json, "last_updated_timestamp", version.updated());
    text(json, "user_id", version.createdBy());
    text(json, "current_stage", version.stage());
    text(json, "description", version.description());
    text(json, "source", version.source());
    text(json, "run_id", version.runId());
    json.put("status", version.status().name());
    text(json, "status_message", version.statusMessage());
    tags(json, "tags", version.tags());
    strings(json, "aliases", version.aliases());
    return json;
  }

  static ObjectNode experiment(Experiment experiment) {
    ObjectNode json = object();
    json.put("experiment_id", experiment.id());
    text(json, "name", experiment.name());
    text(json, "artifact_location", experiment.artifactLocation());
    text(json, "lifecycle_stage", experiment.lifecycleStage());
    millis(json, "last_update_time", experiment.updated());
    millis(json, "creation_time", experiment.created());
    tags(json, "tags", experiment.tags());
    return json;
  }

  static ObjectNode run(Run run) {
    ObjectNode json = object();
    json.set("info", runInfo(run));
    ObjectNode data = json.putObject("data");
    if (!run.metrics().isEmpty()) {
      ArrayNode metrics = data.putArray("metrics");
      run.metrics().forEach(metric -> metrics.add(metric(metric)));
    }
    tags(data, "params", run.params());
    tags(data, "tags", run.tags());
    json.putObject("inputs");
    return json;
  }

  static ObjectNode runInfo(Run run) {
    ObjectNode json = object();
    json.put("run_id", run.runId());
    // Older clients read run_uuid.
    json.put("run_uuid", run.runId());
    text(json, "run_name", run.runName());
    text(json, "experiment_id", run.experimentId());
    text(json, "user_id", run.userId());
    json.put("status", run.status().name());
    json.put("start_time", run.startTime());
    if (run.endTime() != null) {
      json.put("end_time", run.endTime());
    }
    text(json, "artifact_uri", run.artifactUri());
    text(json, "lifecycle_stage", run.lifecycleStage());
    return json;
  }

  static ObjectNode metric(Metric metric) {
    ObjectNode json = object();
    json.put("key", metric.key());
    number(json, "value", metric.value());
    json.put("timestamp", metric.timestamp());
    json.put("step", metric.step());
    return json;
  }

  /**
   * A double as protobuf's JSON has it: a number, or {@code "NaN"}, {@code "Infinity"}, {@code
   * "-Infinity"}, which JSON numbers cannot be.
   */
  static void number(ObjectNode json, String field, double value) {
    if (Double.isNaN(value)) {
      json.put(field, "NaN");
    } else if (Double.isInfinite(value)) {
      json.put(field, value > 0 ? "Infinity" : "-Infinity");
    } else {
      json.put(field, value);
    }
  }

  static void tags(ObjectNode json, String field, Map<String, String> tags) {
    if (tags.isEmpty()) {
      return;
    }
    ArrayNode list = json.putArray(field);
    new TreeMap<>(tags)
        .forEach((key, value) -> list.addObject().put("key", key).put("value", value));
  }

  private static void strings(ObjectNode json, String field, Collection<String> values) {
    if (values.isEmpty()) {
      return;
    }
    ArrayNode list = json.putArray(field);
    values.forEach(list::add);
  }

  private static void text(ObjectNode json, String field, String value) {
    if (value != null && !value.isEmpty()) {
      json.put(field, value);
    }
  }

  private static void millis(ObjectNode json, String field, Instant time) {
    if (time != null) {
      json.put(field, time.toEpochMilli());
    }
  }
}
