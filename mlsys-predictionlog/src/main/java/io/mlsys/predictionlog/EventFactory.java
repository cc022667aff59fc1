package io.mlsys.predictionlog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlsys.core.FetchedFeatures;
import io.mlsys.core.Span;
import io.mlsys.core.Tensor;
import io.mlsys.protocol.OipJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Turns {@link PredictionCall}s into {@link PredictionEvent}s on the writer thread: tensor JSON,
 * field policies, redaction and the event id. The tensors are written to JSON once, straight from
 * their arrays, and the event keeps those bytes (see {@link JsonPart}). Not thread-safe (one writer
 * thread owns it).
 */
final class EventFactory {
  // What a tensor without data was hashed as when events held trees (the JSON of a missing node).
  private static final byte[] NULL_DATA = "null".getBytes(StandardCharsets.US_ASCII);

  private final OipJson oip = OipJson.create();
  private final ObjectMapper mapper = PredictionEvent.mapper();
  private final ObjectWriter hashWriter =
      mapper.writer().without(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);
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
    JsonPart inputs = tensors(call.request().inputs(), options.inputs(), call, options);
    JsonPart outputs =
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
        JsonPart.ofTree(features(call.features())));
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

  /**
   * The tensors as the JSON array an event holds, written once by the OIP codec. Tensors kept in
   * full are copied as written; a redacted or hashed one is read back without its data (which is
   * skipped, not parsed), its data's bytes hashed where they lie.
   */
  private JsonPart tensors(
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
    boolean hashed = policy == FieldPolicy.HASHED;
    if (!hashed && tensors.stream().noneMatch(t -> options.redact().contains(t.name()))) {
      return JsonPart.ofBytes(oip.writeTensors(tensors));
    }
    ByteArrayBuilder out = new ByteArrayBuilder(1024);
    try (JsonGenerator array = mapper.createGenerator(out, JsonEncoding.UTF8)) {
      array.writeStartArray();
      for (Tensor tensor : tensors) {
        // "[{...}]": the one tensor as the REST API writes it.
        byte[] json = oip.writeTensors(List.of(tensor));
        boolean redacted = options.redact().contains(tensor.name());
        if (!redacted && !hashed) {
          array.writeRawValue(new JsonPart.RawUtf8(json, 1, json.length - 2));
        } else {
          array.writeTree(withoutData(json, redacted));
        }
      }
      array.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("tensor JSON written by OipJson is always readable", e);
    }
    return JsonPart.ofBytes(out.toByteArray());
  }

  /**
   * One tensor's object from {@code [{...}]} without its {@code data}, and then either {@code
   * "redacted": true} or the SHA-256 of the data's JSON as written ({@code "sha256"}).
   */
  private ObjectNode withoutData(byte[] json, boolean redacted) throws IOException {
    ObjectNode tensor = mapper.createObjectNode();
    byte[] data = NULL_DATA;
    int dataFrom = 0;
    int dataLength = data.length;
    try (JsonParser parser = mapper.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_ARRAY
          || parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("expected [{ from OipJson.writeTensors");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (name.equals("data")) {
          int from = (int) parser.currentTokenLocation().getByteOffset();
          parser.skipChildren();
          data = json;
          dataFrom = from;
          dataLength = (int) parser.currentLocation().getByteOffset() - from;
        } else {
          tensor.set(name, mapper.readTree(parser));
        }
      }
    }
    if (redacted) {
      tensor.put("redacted", true);
    } else if (beyondBmp(data, dataFrom, dataLength)) {
      // The hash was over the data tree written as UTF-8 bytes, which escaped a character beyond
      // the BMP as two surrogates; hash that text, so a value keeps the hash it always had.
      byte[] escaped = hashWriter.writeValueAsBytes(mapper.readTree(data, dataFrom, dataLength));
      tensor.put("sha256", HexFormat.of().formatHex(sha256.digest(escaped)));
    } else {
      sha256.update(data, dataFrom, dataLength);
      tensor.put("sha256", HexFormat.of().formatHex(sha256.digest()));
    }
    return tensor;
  }

  /** Whether UTF-8 text holds a four-byte sequence (a character beyond the BMP). */
  private static boolean beyondBmp(byte[] utf8, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if ((utf8[i] & 0xF8) == 0xF0) {
        return true;
      }
    }
    return false;
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
