package io.mlsys.repository;

import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the model version a registry reference ({@code models.<name>.registry} in mlsys.yaml) names
 * now. The model registry implements it; a repository without one fails such models with a reason
 * saying so.
 */
@FunctionalInterface
public interface RegistryResolver {

  /** No registry: every registry model fails to load, saying why. */
  RegistryResolver NONE =
      reference -> {
        throw new IllegalStateException(
            "no model registry is configured (expected: a server started with a data dir or"
                + " store.url)");
      };

  /**
   * The version {@code reference} names now, its artifact verified.
   *
   * @throws RuntimeException (an {@link io.mlsys.core.MlsysException} when expected: unknown model,
   *     alias or version, or an artifact that fails its digest) with a reason a client may read
   */
  ResolvedVersion resolve(String reference);

  /**
   * One registered version, ready to load.
   *
   * @param version the registry version number, served as the model's version
   * @param modelFile the verified model file in the artifact store
   * @param platform the runtime platform
   * @param labels class key to label, from the artifact
   * @param properties compact lineage shown in the model's metadata and named in its responses'
   *     parameters (registry version, version name, alias, run id, data version, artifact digest)
   * @param warmupRequests requests built from the signature that the version answers before it
   *     serves
   */
  record ResolvedVersion(
      String version,
      Path modelFile,
      String platform,
      Map<String, String> labels,
      Map<String, String> properties,
      int warmupRequests) {
    public ResolvedVersion {
      labels = Map.copyOf(labels);
      properties = Map.copyOf(properties);
    }
  }
}
