package io.mlsys.repository;

import java.time.Duration;
import java.util.Objects;

/**
 * The state of one model version.
 *
 * @param name model name
 * @param version version
 * @param state its state
 * @param reason why it is not ready (empty when ready)
 * @param loadTime how long the last load took; null if never loaded
 */
public record ModelStatus(
    String name, String version, ModelState state, String reason, Duration loadTime) {
  public ModelStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    reason = Objects.requireNonNullElse(reason, "");
  }
}
