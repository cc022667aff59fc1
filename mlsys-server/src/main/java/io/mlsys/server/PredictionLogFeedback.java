package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.experiments.FeedbackSource;
import io.mlsys.predictionlog.Feedback;
import io.mlsys.predictionlog.PredictionLog;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The experiments' outcomes from the prediction log's feedback ({@code POST
 * /v2/models/{graph}/feedback}); none when no sink of the log keeps feedback.
 */
final class PredictionLogFeedback implements FeedbackSource {
  private final PredictionLog log;

  PredictionLogFeedback(PredictionLog log) {
    this.log = log;
  }

  @Override
  public Map<String, JsonNode> feedback(String model, String kind, Instant from, int limit) {
    Feedback.Kind parsed = Feedback.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    Map<String, JsonNode> values = new HashMap<>();
    try {
      for (Feedback one : log.readFeedback(model, parsed, from, limit)) {
        values.put(one.requestId(), one.value());
      }
    } catch (UnsupportedOperationException e) {
      return Map.of();
    }
    return values;
  }
}
