package io.mlsys.predictionlog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One prediction: what was asked of which model version, what it answered (or how it failed) and
 * how long it took. Written as one JSON line with snake_case keys ({@code schema_version}, {@code
 * event_id}, ...); the persisted form carries {@link #SCHEMA_VERSION} so that readers can tell
 * versions apart.
 *
 * @param schemaVersion the version of this layout, {@value #SCHEMA_VERSION} for events written now
 * @param eventId unique per event and fixed when the event is made, so a sink that receives an
 *     event twice (a replay after a partial write) can drop the copy
 * @param requestId the OIP request's {@code id} when it has one, else the server's request id
 *     ({@code X-Request-Id}); null for an in-process call without either
 * @param traceId the W3C trace id of the request (32 hex digits), the same as in its spans and its
 *     access-log line; null in events of schema version 1 and for calls made outside a request
 * @param time when the call started, ISO-8601 UTC
 * @param modelName the model that answered
 * @param modelVersion its version; null for an unversioned model
 * @param latencyUs how long the call took, microseconds (the decorated chain: queueing in a batcher
 *     behind it included)
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
@JsonPropertyOrder({
  "schema_version",
  "event_id",
  "request_id",
  "trace_id",
  "time",
  "model_name",
  "model_version",
  "latency_us",
  "status",
  "error",
  "caller",
  "graph_path",
  "arm",
  "headers",
  "inputs",
  "outputs",
  "features"
})
public record PredictionEvent(
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
    @JsonInclude(JsonInclude.Include.NON_NULL) String graphPath,
    @JsonInclude(JsonInclude.Include.NON_NULL) String arm,
    Map<String, String> headers,
    JsonNode inputs,
    JsonNode outputs,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode features) {

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
          .build();

  public PredictionEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(status, "status");
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** {@link #time} as an instant. */
  public Instant instant() {
    return Instant.parse(time);
  }

  /** The event as one line of JSON, without the line break. */
  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("prediction event " + eventId + ": not writable as JSON", e);
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
}
