package io.mlsys.registry.tracking;

import java.util.List;
import java.util.Map;

/**
 * An MLflow run with its data.
 *
 * @param startTime milliseconds since the epoch
 * @param endTime milliseconds since the epoch, or null while running
 * @param artifactUri where its artifacts go ({@code
 *     mlflow-artifacts:/<experiment>/<run>/artifacts})
 * @param lifecycleStage {@code active} or {@code deleted}
 * @param metrics the latest value of each metric
 */
public record Run(
    String runId,
    String experimentId,
    String runName,
    String userId,
    RunStatus status,
    long startTime,
    Long endTime,
    String artifactUri,
    String lifecycleStage,
    List<Metric> metrics,
    Map<String, String> params,
    Map<String, String> tags) {
  public Run {
    metrics = List.copyOf(metrics);
    params = Map.copyOf(params);
    tags = Map.copyOf(tags);
  }
}
