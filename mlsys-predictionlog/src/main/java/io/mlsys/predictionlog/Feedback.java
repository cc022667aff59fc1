package io.mlsys.predictionlog;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Ground truth for one prediction, sent after the fact ({@code POST /v2/models/{m}/feedback}): the
 * true label, an observed value or a reward, for the request the model answered. Stored next to the
 * events and joined to them by model name and request id.
 *
 * @param modelName the model that answered the request
 * @param requestId the request's id, as in the event's {@code request_id}
 * @param kind what the value is
 * @param value any JSON value (a class name, a number, an object)
 * @param time when the feedback arrived
 */
public record Feedback(
    String modelName, String requestId, Kind kind, JsonNode value, Instant time) {

  /** What a feedback value is. */
  public enum Kind {
    /** The true class or answer. */
    LABEL,
    /** An observed outcome, for regression. */
    VALUE,
    /** A reward, for bandits and online learning. */
    REWARD;

    /** The JSON key and stored spelling: {@code label}, {@code value}, {@code reward}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Feedback {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(time, "time");
  }
}
