package io.mlsys.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * Where a split's outcomes come from: the feedback sent to {@code POST /v2/models/{graph}/feedback}
 * (the prediction log keeps it in the store). The server sets one when its prediction log keeps
 * feedback; without one a split's report has assignments and guardrails but no outcomes.
 */
@FunctionalInterface
public interface FeedbackSource {
  /**
   * The feedback of one kind sent for a model's requests.
   *
   * @param model the graph's name, as the feedback was sent to it
   * @param kind {@code label}, {@code value} or {@code reward}
   * @param from the first exposure's time: older feedback cannot belong to these requests
   * @param limit at most this many (the newest)
   * @return request id to the value fed back
   */
  Map<String, JsonNode> feedback(String model, String kind, Instant from, int limit);
}
