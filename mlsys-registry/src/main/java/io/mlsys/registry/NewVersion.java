package io.mlsys.registry;

import java.util.Map;

/**
 * What registering a version gives; everything but {@code model} and {@code source} may be null.
 *
 * @param model registered model name (created when absent, as MLflow's {@code log_model} does)
 * @param source a local path or {@code file:} URI of an {@code .onnx} file or of a folder holding
 *     {@code model.onnx}, under a folder the registry config allows; or an {@code
 *     mlflow-artifacts:} / {@code runs:/} URI that names an artifact already in the artifact store
 */
public record NewVersion(
    String model,
    String source,
    String description,
    VersionName versionName,
    Lineage lineage,
    ModelCard card,
    DataProfile profile,
    Map<String, String> tags) {
  public NewVersion {
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    lineage = lineage == null ? Lineage.NONE : lineage;
  }
}
