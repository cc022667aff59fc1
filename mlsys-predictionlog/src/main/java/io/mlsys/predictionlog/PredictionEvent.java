package io.mlsys.predictionlog;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One prediction: what was asked of which model version, what it answered (or how it failed) and
 * how long it took. Written as one JSON line with snake_case keys ({@code schema_version}, {@code
 * event_id}, ...); the persisted form carries {@link #SCHEMA_VERSION} so that readers can tell
 * versions apart.
 *
 * <p>Not a record (it was one up to schema version 2's first release, with the same accessors): the
 * tensors are held as the JSON bytes the event factory wrote and parsed into a tree only when
 * {@link #inputs()} or {@link #outputs()} is called, so writing an event copies its tensors' JSON
 * instead of parsing and writing it again (see {@code JsonPart}). The trees those accessors return
 * are shared: do not change them.
 */
public final class PredictionEvent {

  /**
   * The layout written now. Readers accept this and every earlier version. Version 2 added {@code
   * trace_id}.
   */
  public static final int SCHEMA_VERSION = 2;

  /** The {@link #status} of a call that succeeded. */
  public static final String OK = "ok";

  // Immutable once built and thread-safe: shared by every reader and writer of events.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          // A later version may add fields; an older reader keeps what it knows.
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // Sinks write events into their own streams, which they flush and close themselves.
          .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
          .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
          // Lines were written as Strings (then UTF-8) once: a character beyond the BMP stays one
          // UTF-8 sequence, not two escaped surrogates, when a tree is written as bytes.
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .build();

  private final int schemaVersion;
  private final String eventId;
  private final String requestId;
  private final String traceId;
  private final String time;
  private final String modelName;
  private final String modelVersion;
  private final long latencyUs;
  private final String status;
  private final String error;
  private final String caller;
  private final String graphPath;
  private final String arm;
  private final Map<String, String> headers;
  private final JsonPart inputs;
  private final JsonPart outputs;
  private final JsonPart features;

  /**
   * An event whose tensors and features are given as trees (see the class description). A JSON null
   * given for any of them is taken as none (so a line read back has the nulls it was made with).
   *
   * @param schemaVersion the version of this layout, {@value #SCHEMA_VERSION} for events written
   *     now
   * @param eventId unique per event and fixed when the event is made, so a sink that receives an
   *     event twice (a replay after a partial write) can drop the copy
   * @param requestId the OIP request's {@code id} when it has one, else the server's request id
   *     ({@code X-Request-Id}); null for an in-process call without either
   * @param traceId the W3C trace id of the request (32 hex digits), the same as in its spans and
   *     its access-log line; null in events of schema version 1 and for calls made outside a
   *     request
   * @param time when the call started, ISO-8601 UTC
   * @param modelName the model that answered
   * @param modelVersion its version; null for an unversioned model
   * @param latencyUs how long the call took, microseconds (the decorated chain: queueing in a
   *     batcher behind it included)
   * @param status {@code ok}, or the kind of the error in snake_case ({@code invalid_input}, {@code
   *     deadline_exceeded}, ...; {@code internal} for an unexpected failure)
   * @param error the error's message; null when the call succeeded
   * @param caller the authenticated user ({@code server.auth}); null when the call carried none
   * @param graphPath where in a graph the model was called ({@code graphs.iris-ab.split.arms[b]});
   *     absent for a model called on its own
   * @param arm the experiment arm a {@code split} node chose for the call; absent outside one
   * @param headers the request headers the decorator is told to keep, keys lower-case
   * @param inputs the request's tensors as OIP JSON, as the field policy keeps them; null for none
   * @param outputs the response's tensors likewise; null for none or a failed call
   * @param features what a {@code features} graph node fetched for the call (data cache): {@code
   *     {"node": ..., "names": [...], "entities": [{"id", "values", "statuses", "served_from"}]}};
   *     absent for a call without (an optional field: readers of earlier lines skip it)
   */
  @JsonCreator
  public PredictionEvent(
      @JsonProperty("schema_version") int schemaVersion,
      @JsonProperty("event_id") String eventId,
      @JsonProperty("request_id") String requestId,
      @JsonProperty("trace_id") String traceId,
      @JsonProperty("time") String time,
      @JsonProperty("model_name") String modelName,
      @JsonProperty("model_version") String modelVersion,
      @JsonProperty("latency_us") long latencyUs,
      @JsonProperty("status") String status,
      @JsonProperty("error") String error,
      @JsonProperty("caller") String caller,
      @JsonProperty("graph_path") String graphPath,
      @JsonProperty("arm") String arm,
      @JsonProperty("headers") Map<String, String> headers,
      @JsonProperty("inputs") JsonNode inputs,
      @JsonProperty("outputs") JsonNode outputs,
      @JsonProperty("features") JsonNode features) {
    this(
        schemaVersion,
        eventId,
        requestId,
        traceId,
        time,
        modelName,
        modelVersion,
        latencyUs,
        status,
        error,
        caller,
        graphPath,
        arm,
        headers,
        JsonPart.ofTree(inputs),
        JsonPart.ofTree(outputs),
        JsonPart.ofTree(features));
  }

  /** An event whose tensors are held as the JSON the event factory wrote. */
  PredictionEvent(
      int schemaVersion,
      String eventId,
      String requestId,
      String traceId,
      String time,
      String modelName,
      String modelVersion,
      long latencyUs,
      String status,
      String error,
      String caller,
      String graphPath,
      String arm,
      Map<String, String> headers,
      JsonPart inputs,
      JsonPart outputs,
      JsonPart features) {
    this.schemaVersion = schemaVersion;
    this.eventId = Objects.requireNonNull(eventId, "eventId");
    this.requestId = requestId;
    this.traceId = traceId;
    this.time = Objects.requireNonNull(time, "time");
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.modelVersion = modelVersion;
    this.latencyUs = latencyUs;
    this.status = Objects.requireNonNull(status, "status");
    this.error = error;
    this.caller = caller;
    this.graphPath = graphPath;
    this.arm = arm;
    this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    this.inputs = inputs;
    this.outputs = outputs;
    this.features = features;
  }

  public int schemaVersion() {
    return schemaVersion;
  }

  public String eventId() {
    return eventId;
  }

  public String requestId() {
    return requestId;
  }

  public String traceId() {
    return traceId;
  }

  public String time() {
    return time;
  }

  public String modelName() {
    return modelName;
  }

  public String modelVersion() {
    return modelVersion;
  }

  public long latencyUs() {
    return latencyUs;
  }

  public String status() {
    return status;
  }

  public String error() {
    return error;
  }

  public String caller() {
    return caller;
  }

  public String graphPath() {
    return graphPath;
  }

  public String arm() {
    return arm;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The request's tensors as OIP JSON, parsed on first call; null when not logged. */
  public JsonNode inputs() {
    return inputs == null ? null : inputs.tree();
  }

  /** The response's tensors as OIP JSON, parsed on first call; null when not logged or failed. */
  public JsonNode outputs() {
    return outputs == null ? null : outputs.tree();
  }

  /** What a {@code features} node fetched; null for none. */
  public JsonNode features() {
    return features == null ? null : features.tree();
  }

  /** The inputs' JSON text without building a tree; null when not logged. */
  String inputsJson() {
    return inputs == null ? null : inputs.toString();
  }

  /** The outputs' JSON text without building a tree; null when not logged. */
  String outputsJson() {
    return outputs == null ? null : outputs.toString();
  }

  /** The features' JSON text; null for none. */
  String featuresJson() {
    return features == null ? null : features.toString();
  }

  /** {@link #time} as an instant. */
  public Instant instant() {
    return Instant.parse(time);
  }

  /** Bytes of the event's inputs, outputs and features as JSON, for the log's byte bounds. */
  long partsSize() {
    long size = 0;
    for (JsonPart part : new JsonPart[] {inputs, outputs, features}) {
      if (part != null) {
        size += part.size();
      }
    }
    return size;
  }

  /** The event as one line of JSON, without the line break. */
  public String toJson() {
    return new String(toJsonBytes(), StandardCharsets.UTF_8);
  }

  /** {@link #toJson()} as UTF-8 bytes. */
  public byte[] toJsonBytes() {
    ByteArrayBuilder out = new ByteArrayBuilder(1024);
    try {
      writeJson(out);
    } catch (IOException e) {
      throw new UncheckedIOException("prediction event " + eventId + ": not writable as JSON", e);
    }
    return out.toByteArray();
  }

  /**
   * Writes {@link #toJson()} as UTF-8 to {@code out}, without a line break; neither flushes nor
   * closes {@code out}. Keys in schema order; {@code graph_path}, {@code arm} and {@code features}
   * only when set, every other key always (null when unset).
   */
  public void writeJson(OutputStream out) throws IOException {
    try (JsonGenerator g = MAPPER.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("schema_version", schemaVersion);
      g.writeStringField("event_id", eventId);
      g.writeStringField("request_id", requestId);
      g.writeStringField("trace_id", traceId);
      g.writeStringField("time", time);
      g.writeStringField("model_name", modelName);
      g.writeStringField("model_version", modelVersion);
      g.writeNumberField("latency_us", latencyUs);
      g.writeStringField("status", status);
      g.writeStringField("error", error);
      g.writeStringField("caller", caller);
      if (graphPath != null) {
        g.writeStringField("graph_path", graphPath);
      }
      if (arm != null) {
        g.writeStringField("arm", arm);
      }
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> header : headers.entrySet()) {
        g.writeStringField(header.getKey(), header.getValue());
      }
      g.writeEndObject();
      writePart(g, "inputs", inputs);
      writePart(g, "outputs", outputs);
      if (features != null) {
        writePart(g, "features", features);
      }
      g.writeEndObject();
    }
  }

  private static void writePart(JsonGenerator g, String name, JsonPart part) throws IOException {
    g.writeFieldName(name);
    if (part == null) {
      g.writeNull();
    } else {
      part.write(g);
    }
  }

  /**
   * Reads a line written by {@link #toJson()} of this or an earlier schema version.
   *
   * @throws IllegalArgumentException when the line is not an event, or is of a later version
   */
  public static PredictionEvent fromJson(String line) {
    PredictionEvent event;
    try {
      event = MAPPER.readValue(line, PredictionEvent.class);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("not a prediction event: " + e.getMessage(), e);
    }
    if (event.schemaVersion() < 1 || event.schemaVersion() > SCHEMA_VERSION) {
      throw new IllegalArgumentException(
          "prediction event "
              + event.eventId()
              + ": schema_version "
              + event.schemaVersion()
              + " (expected: 1 to "
              + SCHEMA_VERSION
              + ")");
    }
    return event;
  }

  /** The mapper events are written with, for tensor JSON that becomes part of an event. */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Equal when every field is, the JSON values compared as trees. */
  @Override
  public boolean equals(Object other) {
    return other instanceof PredictionEvent that
        && schemaVersion == that.schemaVersion
        && latencyUs == that.latencyUs
        && eventId.equals(that.eventId)
        && Objects.equals(requestId, that.requestId)
        && Objects.equals(traceId, that.traceId)
        && time.equals(that.time)
        && modelName.equals(that.modelName)
        && Objects.equals(modelVersion, that.modelVersion)
        && status.equals(that.status)
        && Objects.equals(error, that.error)
        && Objects.equals(caller, that.caller)
        && Objects.equals(graphPath, that.graphPath)
        && Objects.equals(arm, that.arm)
        && headers.equals(that.headers)
        && Objects.equals(inputs, that.inputs)
        && Objects.equals(outputs, that.outputs)
        && Objects.equals(features, that.features);
  }

  @Override
  public int hashCode() {
    // The event id is unique per event; the other fields only refine what it already tells.
    return eventId.hashCode();
  }

  /** The event's id, model and outcome (its line can be megabytes: see {@link #toJson()}). */
  @Override
  public String toString() {
    return "PredictionEvent[event_id="
        + eventId
        + ", model="
        + modelName
        + (modelVersion == null ? "" : "@" + modelVersion)
        + ", status="
        + status
        + "]";
  }
}
