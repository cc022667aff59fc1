package io.mlsys.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One registered version of a model: an immutable artifact and what is known about it.
 *
 * @param model registered model name
 * @param version number, monotonic per model, from 1
 * @param versionName the catalog's {@code x.y.z-data.split}, or null when not given
 * @param status registration status
 * @param statusMessage why registration failed, or null
 * @param stage MLflow stage ({@code None}, {@code Staging}, {@code Production}, {@code Archived})
 * @param description free text
 * @param source where the artifact was registered from (as given)
 * @param artifactDigest {@code sha256:<hex>} of the artifact in the artifact store, null while
 *     pending
 * @param platform the runtime platform (e.g. {@code onnxruntime_onnx}), null while pending
 * @param signature captured by loading the artifact, null unless READY
 * @param lineage run, data, parameters, metrics, code and environment
 * @param card the model card, or null
 * @param profile the training data profile, or null
 * @param tags version tags
 * @param aliases aliases that point to this version
 * @param createdBy who registered it
 * @param archived archived versions stay readable but get no alias
 */
public record ModelVersion(
    String model,
    long version,
    VersionName versionName,
    VersionStatus status,
    String statusMessage,
    String stage,
    String description,
    String source,
    String artifactDigest,
    String platform,
    ModelSignature signature,
    Lineage lineage,
    ModelCard card,
    DataProfile profile,
    Map<String, String> tags,
    List<String> aliases,
    String createdBy,
    Instant created,
    Instant updated,
    boolean archived) {

  public static final String STAGE_NONE = "None";

  public ModelVersion {
    lineage = lineage == null ? Lineage.NONE : lineage;
    tags = tags == null ? Map.of() : Map.copyOf(tags);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
    stage = stage == null ? STAGE_NONE : stage;
  }

  /** The training run id from the lineage, or null. */
  public String runId() {
    return lineage.runId();
  }
}
