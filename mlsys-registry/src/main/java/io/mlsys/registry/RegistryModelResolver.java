package io.mlsys.registry;

import io.mlsys.repository.RegistryResolver;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Serves models from the registry: resolves a reference to a READY version's verified artifact. */
public final class RegistryModelResolver implements RegistryResolver {
  /** The prefix of the lineage properties a registry model shows in its metadata. */
  public static final String PROPERTY_PREFIX = "registry.";

  private final ModelRegistry registry;

  public RegistryModelResolver(ModelRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ResolvedVersion resolve(String text) {
    RegistryReference reference = RegistryReference.parse(text, "registry");
    ModelVersion version = registry.resolve(reference);
    Path folder = registry.artifactFolder(version);
    return new ResolvedVersion(
        Long.toString(version.version()),
        ModelRegistry.modelFile(folder),
        version.platform() == null ? ModelRegistry.ONNX_PLATFORM : version.platform(),
        ModelRegistry.Labels.read(folder),
        lineage(reference, version),
        registry.config().warmupRequests());
  }

  /**
   * The compact lineage shown as the model's metadata properties: which version, under which name
   * and alias, trained by which run on which data, from which artifact.
   */
  static Map<String, String> lineage(RegistryReference reference, ModelVersion version) {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(PROPERTY_PREFIX + "model", version.model());
    properties.put(PROPERTY_PREFIX + "version", Long.toString(version.version()));
    if (reference.followsAlias()) {
      properties.put(PROPERTY_PREFIX + "alias", reference.alias());
    }
    if (version.versionName() != null) {
      properties.put(PROPERTY_PREFIX + "version_name", version.versionName().toString());
      properties.put(
          PROPERTY_PREFIX + "data_version",
          version.versionName().data() + "." + version.versionName().split());
    }
    Lineage lineage = version.lineage();
    putIfPresent(properties, "run_id", lineage.runId());
    putIfPresent(properties, "dataset_uri", lineage.datasetUri());
    putIfPresent(properties, "dataset_digest", lineage.datasetDigest());
    putIfPresent(properties, "code_version", lineage.codeVersion());
    properties.put(PROPERTY_PREFIX + "artifact_digest", version.artifactDigest());
    return properties;
  }

  private static void putIfPresent(Map<String, String> properties, String key, String value) {
    if (value != null && !value.isBlank()) {
      properties.put(PROPERTY_PREFIX + key, value);
    }
  }
}
