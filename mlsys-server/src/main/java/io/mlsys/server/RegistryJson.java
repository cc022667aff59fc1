package io.mlsys.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.mlsys.core.ErrorMessages;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.TensorSpec;
import io.mlsys.registry.AliasMove;
import io.mlsys.registry.Approval;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.ModelSignature;
import io.mlsys.registry.ModelVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of the mlsys registry API ({@code /v2/registry/...}): snake_case keys, times in ISO-8601
 * UTC, version numbers as numbers. Model cards, data profiles and lineage are their records as
 * JSON, read strictly (an unknown key or a value of the wrong type is a 400 naming its path).
 */
final class RegistryJson {
  static final ObjectMapper MAPPER =
      JsonMapper.builder(MlflowJson.MAPPER.getFactory())
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .withCoercionConfigDefaults(
              config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Textual,
              config -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
          .build();

  private RegistryJson() {}

  /**
   * Reads {@code node} as a {@code type} record.
   *
   * @throws InvalidInputException naming {@code field} and the path inside it
   */
  static <T> T read(JsonNode node, Class<T> type, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    try (JsonParser parser = MAPPER.treeAsTokens(node)) {
      return MAPPER.readValue(parser, type);
    } catch (JsonMappingException e) {
      StringBuilder path = new StringBuilder(field);
      for (JsonMappingException.Reference reference : e.getPath()) {
        if (reference.getFieldName() != null) {
          path.append('.').append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          path.append('[').append(reference.getIndex()).append(']');
        }
      }
      throw new InvalidInputException(
          path.toString(),
          ErrorMessages.excerpt(e.getOriginalMessage().lines().findFirst().orElse("")));
    } catch (java.io.IOException e) {
      throw new InvalidInputException(field, ErrorMessages.excerpt(e.getMessage()));
    }
  }

  static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }

  static Reply reply(JsonNode document) {
    return MlflowJson.reply(document);
  }

  /** A version with everything known about it, but its data profile (see {@code /profile}). */
  static ObjectNode version(ModelVersion version) {
    ObjectNode json = MlflowJson.object();
    json.put("model", version.model());
    json.put("version", version.version());
    text(
        json,
        "version_name",
        version.versionName() == null ? null : version.versionName().toString());
    json.put("status", version.status().name());
    text(json, "status_message", version.statusMessage());
    json.put("stage", version.stage());
    json.put("archived", version.archived());
    text(json, "description", version.description());
    text(json, "source", version.source());
    text(json, "artifact_digest", version.artifactDigest());
    text(json, "platform", version.platform());
    if (version.signature() != null) {
      json.set("signature", signature(version.signature()));
    }
    json.set("lineage", tree(version.lineage()));
    if (version.card() != null) {
      json.set("card", tree(version.card()));
    }
    json.put("has_profile", version.profile() != null);
    json.set("tags", tree(new TreeMap<>(version.tags())));
    ArrayNode aliases = json.putArray("aliases");
    version.aliases().forEach(aliases::add);
    text(json, "created_by", version.createdBy());
    time(json, "created", version.created());
    time(json, "updated", version.updated());
    return json;
  }

  /** A version in a list: number, name, status, stage, aliases. */
  static ObjectNode versionSummary(ModelVersion version) {
    ObjectNode json = MlflowJson.object();
    json.put("version", version.version());
    text(
        json,
        "version_name",
        version.versionName() == null ? null : version.versionName().toString());
    json.put("status", version.status().name());
    json.put("stage", version.stage());
    json.put("archived", version.archived());
    ArrayNode aliases = json.putArray("aliases");
    version.aliases().forEach(aliases::add);
    text(json, "artifact_digest", version.artifactDigest());
    time(json, "created", version.created());
    return json;
  }

  static ObjectNode signature(ModelSignature signature) {
    ObjectNode json = MlflowJson.object();
    text(json, "platform", signature.platform());
    json.set("inputs", tensors(signature.inputs()));
    json.set("outputs", tensors(signature.outputs()));
    if (!signature.labels().isEmpty()) {
      json.set("labels", tree(new TreeMap<>(signature.labels())));
    }
    return json;
  }

  private static ArrayNode tensors(List<TensorSpec> specs) {
    ArrayNode list = MlflowJson.MAPPER.createArrayNode();
    for (TensorSpec spec : specs) {
      ObjectNode json = list.addObject();
      json.put("name", spec.name());
      json.put("datatype", spec.datatype().wireName());
      ArrayNode shape = json.putArray("shape");
      spec.shape().forEach(shape::add);
    }
    return list;
  }

  static ObjectNode approval(Approval approval) {
    ObjectNode json = MlflowJson.object();
    json.put("model", approval.model());
    json.put("version", approval.version());
    json.put("alias", approval.alias());
    json.put("approver", approval.approver());
    text(json, "comment", approval.comment());
    time(json, "at", approval.at());
    return json;
  }

  static ObjectNode aliasMove(AliasMove move) {
    ObjectNode json = MlflowJson.object();
    json.put("model", move.model());
    json.put("alias", move.alias());
    number(json, "from", move.from());
    number(json, "to", move.to());
    text(json, "actor", move.actor());
    time(json, "at", move.at());
    text(json, "detail", move.detail());
    return json;
  }

  static ObjectNode auditEntry(AuditEntry entry) {
    ObjectNode json = MlflowJson.object();
    json.put("id", entry.id());
    time(json, "at", entry.at());
    text(json, "actor", entry.actor());
    json.put("action", entry.action());
    text(json, "model", entry.model());
    number(json, "version", entry.version());
    text(json, "alias", entry.alias());
    text(json, "old", entry.oldValue());
    text(json, "new", entry.newValue());
    text(json, "detail", entry.detail());
    return json;
  }

  /** A string map of a request ({@code tags}, {@code hyperparameters}), or empty. */
  static Map<String, String> strings(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new InvalidInputException(
          field, node.getNodeType() + " (expected: an object of strings)");
    }
    Map<String, String> values = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new InvalidInputException(
            field + "." + entry.getKey(), entry.getValue().getNodeType() + " (expected: a string)");
      }
      values.put(entry.getKey(), entry.getValue().asText());
    }
    return values;
  }

  private static void text(ObjectNode json, String field, String value) {
    if (value != null) {
      json.put(field, value);
    }
  }

  private static void number(ObjectNode json, String field, Long value) {
    if (value == null) {
      json.putNull(field);
    } else {
      json.put(field, value);
    }
  }

  private static void time(ObjectNode json, String field, Instant time) {
    if (time != null) {
      json.put(field, time.toString());
    }
  }
}
