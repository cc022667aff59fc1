package io.mlsys.registry.tracking;

import io.mlsys.registry.Page;
import io.mlsys.registry.SearchQuery;
import java.util.List;
import java.util.Map;

/**
 * MLflow tracking over the mlsys store: experiments, runs, params, metrics and tags, with MLflow's
 * limits (key and value lengths, batch sizes; params are immutable once logged). Errors are the
 * core's, as in {@link io.mlsys.registry.RegistryStore}.
 */
public interface TrackingStore extends AutoCloseable {

  /** The experiment MLflow clients use when they name none: id {@code 0}, name {@code Default}. */
  String DEFAULT_EXPERIMENT_ID = "0";

  String createExperiment(String name, String artifactLocation, Map<String, String> tags);

  Experiment experiment(String id);

  Experiment experimentByName(String name);

  /**
   * @param viewType {@code ACTIVE_ONLY}, {@code DELETED_ONLY} or {@code ALL}
   */
  Page<Experiment> searchExperiments(SearchQuery query, String viewType);

  void setExperimentTag(String experimentId, String key, String value);

  void deleteExperiment(String experimentId);

  Run createRun(
      String experimentId, String userId, String runName, long startTime, Map<String, String> tags);

  Run run(String runId);

  Run updateRun(String runId, RunStatus status, Long endTime, String runName);

  Page<Run> searchRuns(List<String> experimentIds, SearchQuery query, String viewType);

  void deleteRun(String runId);

  void logMetric(String runId, Metric metric);

  void logParam(String runId, String key, String value);

  void setTag(String runId, String key, String value);

  void deleteTag(String runId, String key);

  /** Metrics, params and tags at once, all or none. */
  void logBatch(
      String runId, List<Metric> metrics, Map<String, String> params, Map<String, String> tags);

  /** Every value logged for a metric, in step then timestamp order. */
  Page<Metric> metricHistory(String runId, String key, int maxResults, String pageToken);

  @Override
  void close();
}
