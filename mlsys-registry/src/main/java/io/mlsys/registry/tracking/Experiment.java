package io.mlsys.registry.tracking;

import java.time.Instant;
import java.util.Map;

/**
 * An MLflow experiment: a named group of runs.
 *
 * @param id MLflow experiment ids are strings of digits
 * @param lifecycleStage {@code active} or {@code deleted}
 */
public record Experiment(
    String id,
    String name,
    String artifactLocation,
    String lifecycleStage,
    Map<String, String> tags,
    Instant created,
    Instant updated) {
  public Experiment {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
  }
}
