package io.mlsys.predictionlog;

import java.time.Instant;
import java.util.Objects;

/**
 * Which stored events to read back: one model's (one version's) events that started in a time
 * range, for reports over the store.
 *
 * @param model the model
 * @param version its version; null for every version
 * @param from the first start time included; null for the oldest event
 * @param to the first start time not included; null for the newest event
 */
public record EventQuery(String model, String version, Instant from, Instant to) {
  public EventQuery {
    Objects.requireNonNull(model, "model");
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("from: " + from + " (expected: before to " + to + ")");
    }
  }
}
