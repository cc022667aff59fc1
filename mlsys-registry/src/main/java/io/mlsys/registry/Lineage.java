package io.mlsys.registry;

import java.util.Map;

/**
 * Where a model version came from: the answer to "which model, trained on which data, gave this
 * answer". Every field may be null or empty when unknown (a version registered from a file).
 *
 * @param runId the tracking run that trained it
 * @param datasetUri where the training data was read
 * @param datasetDigest {@code sha256:<hex>} of that data
 * @param split how it was split (e.g. {@code train 0.7 / test 0.3, seed 1})
 * @param hyperparameters the trainer's parameters
 * @param metrics evaluation metrics on the held-out split
 * @param codeVersion version (or commit) of the training code
 * @param environment runtime environment: JDK, library versions, OS
 */
public record Lineage(
    String runId,
    String datasetUri,
    String datasetDigest,
    String split,
    Map<String, String> hyperparameters,
    Map<String, Double> metrics,
    String codeVersion,
    Map<String, String> environment) {

  public static final Lineage NONE =
      new Lineage(null, null, null, null, Map.of(), Map.of(), null, Map.of());

  public Lineage {
    hyperparameters = hyperparameters == null ? Map.of() : Map.copyOf(hyperparameters);
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    environment = environment == null ? Map.of() : Map.copyOf(environment);
  }

  public Lineage withRunId(String newRunId) {
    return new Lineage(
        newRunId,
        datasetUri,
        datasetDigest,
        split,
        hyperparameters,
        metrics,
        codeVersion,
        environment);
  }
}
