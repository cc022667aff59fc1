package io.mlsys.predictionlog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.FetchedFeatures;
import io.mlsys.core.Span;
import io.mlsys.core.Tensor;
import io.mlsys.protocol.OipJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Turns {@link PredictionCall}s into {@link PredictionEvent}s on the writer thread: tensor JSON,
 * field policies, redaction and the event id. Not thread-safe (one writer thread owns it).
 */
final class EventFactory {
  private final OipJson oip = OipJson.create();
  private final ObjectMapper mapper = PredictionEvent.mapper();
  private final RandomGenerator random;
  private final MessageDigest sha256;

  EventFactory(RandomGenerator random) {
    this.random = random;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  PredictionEvent event(PredictionCall call) {
    PredictionLogOptions options = call.options();
    String requestId = call.request().id() != null ? call.request().id() : call.requestId();
    long latencyUs = Duration.between(call.start(), call.end()).toNanos() / 1000;
    JsonNode inputs = tensors(call.request().inputs(), options.inputs(), call, options);
    JsonNode outputs =
        call.response() == null
            ? null
            : tensors(call.response().outputs(), options.outputs(), call, options);
    return new PredictionEvent(
        PredictionEvent.SCHEMA_VERSION,
        newEventId(),
        requestId,
        call.traceId(),
        call.start().toString(),
        call.modelName(),
        call.modelVersion(),
        Math.max(0, latencyUs),
        status(call.error()),
        call.error() == null ? null : String.valueOf(call.error().getMessage()),
        call.caller(),
        call.graphPath(),
        call.arm(),
        call.headers(),
        inputs,
        outputs,
        features(call.features()));
  }

  /** The fetched features as JSON; null when the call had none. */
  private JsonNode features(FetchedFeatures features) {
    if (features == null) {
      return null;
    }
    ObjectNode node = mapper.createObjectNode();
    node.put("node", features.node());
    ArrayNode names = node.putArray("names");
    features.names().forEach(names::add);
    ArrayNode entities = node.putArray("entities");
    for (FetchedFeatures.Entity entity : features.entities()) {
      ObjectNode item = entities.addObject();
      item.put("id", entity.id());
      ArrayNode values = item.putArray("values");
      for (Double value : entity.values()) {
        // JSON has no NaN: a missing value that is NaN is written null (its status says why).
        if (value == null || value.isNaN() || value.isInfinite()) {
          values.addNull();
        } else {
          values.add(value);
        }
      }
      ArrayNode statuses = item.putArray("statuses");
      entity.statuses().forEach(statuses::add);
      item.put("served_from", entity.servedFrom());
    }
    return node;
  }

  /** A random (version 4) UUID from the injected generator, so tests can fix the ids. */
  private String newEventId() {
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }

  private JsonNode tensors(
      List<Tensor> tensors, FieldPolicy policy, PredictionCall call, PredictionLogOptions options) {
    boolean keep =
        switch (policy) {
          case FULL, HASHED -> true;
          case SAMPLED -> call.payloadSampled();
          case DROPPED -> false;
        };
    if (!keep) {
      return null;
    }
    ArrayNode array;
    try {
      array = (ArrayNode) mapper.readTree(oip.writeTensors(tensors));
    } catch (IOException e) {
      throw new UncheckedIOException("tensor JSON written by OipJson is always readable", e);
    }
    for (JsonNode element : array) {
      ObjectNode tensor = (ObjectNode) element;
      if (options.redact().contains(tensor.path("name").asText())) {
        tensor.remove("data");
        tensor.put("redacted", true);
      } else if (policy == FieldPolicy.HASHED) {
        JsonNode data = tensor.remove("data");
        tensor.put("sha256", sha256(data));
      }
    }
    return array;
  }

  private String sha256(JsonNode data) {
    try {
      return HexFormat.of().formatHex(sha256.digest(mapper.writeValueAsBytes(data)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code ok}, or the error's kind in snake_case from the sealed hierarchy's class name ({@code
   * InvalidInputException} is {@code invalid_input}); {@code internal} for any other failure.
   */
  static String status(Throwable error) {
    // The same names as the spans' outcome, so a trace and an event of one call agree.
    return error == null ? PredictionEvent.OK : Span.outcome(error);
  }
}
