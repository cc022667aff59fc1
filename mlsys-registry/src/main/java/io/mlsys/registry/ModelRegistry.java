package io.mlsys.registry;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Model;
import io.mlsys.core.ModelLoadException;
import io.mlsys.registry.tracking.TrackingStore;
import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The registry as its transports (the MLflow REST API, {@code /v2/registry}, the CLI) and servers
 * use it: the {@link RegistryStore}'s records plus what needs more than the database: copying and
 * loading artifacts at registration, the promotion rules, garbage collection.
 */
public final class ModelRegistry implements AutoCloseable {
  /** The platform of ONNX artifacts, the one runtime registration knows how to find a file for. */
  public static final String ONNX_PLATFORM = "onnxruntime_onnx";

  public static final String MODEL_FILE = "model.onnx";

  private final RegistryStore store;
  private final TrackingStore tracking;
  private final ArtifactStore artifacts;
  private final ModelLoader loader;
  private final RegistryConfig config;
  private final PromotionCheck promotionCheck;

  public ModelRegistry(
      RegistryStore store,
      TrackingStore tracking,
      ArtifactStore artifacts,
      ModelLoader loader,
      RegistryConfig config) {
    this.store = Objects.requireNonNull(store, "store");
    this.tracking = Objects.requireNonNull(tracking, "tracking");
    this.artifacts = Objects.requireNonNull(artifacts, "artifacts");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.config = Objects.requireNonNull(config, "config");
    this.promotionCheck = new PromotionCheck(config.promotion());
  }

  /** The records, for reads and the changes that need nothing but the database. */
  public RegistryStore store() {
    return store;
  }

  public TrackingStore tracking() {
    return tracking;
  }

  public ArtifactStore artifacts() {
    return artifacts;
  }

  public RegistryConfig config() {
    return config;
  }

  /**
   * Registers a version: checks the source, allocates the number (PENDING_REGISTRATION), copies the
   * artifact into the artifact store, loads it once to capture its signature, and marks it READY. A
   * source that is refused writes nothing; an artifact that does not copy or load leaves the
   * version FAILED_REGISTRATION with the reason, and throws.
   *
   * @throws InvalidInputException naming {@code source} when it is not an allowed artifact
   * @throws ModelLoadException when the artifact does not load (the version is then
   *     FAILED_REGISTRATION)
   */
  public ModelVersion register(NewVersion version, String actor) {
    Path artifact = resolveSource(version.source());
    ModelVersion pending = store.createPendingVersion(version, actor);
    String digest;
    ModelSignature signature;
    try {
      digest = artifacts.put(artifact, MODEL_FILE);
      signature = loadSignature(pending.model(), pending.version(), artifacts.open(digest));
    } catch (RuntimeException e) {
      store.failRegistration(pending.model(), pending.version(), failureMessage(e));
      if (e instanceof ModelLoadException) {
        throw e;
      }
      throw new ModelLoadException(
          pending.model(),
          "version " + pending.version() + ": registration failed: " + failureMessage(e),
          e);
    }
    return store.completeRegistration(
        pending.model(), pending.version(), digest, ONNX_PLATFORM, signature);
  }

  /**
   * Points {@code alias} at {@code version} when the alias's promotion rule and approval allow it;
   * the rule's check, with its numbers, goes into the audit either way.
   *
   * @throws FailedPreconditionException when the rule or the approval refuses it
   */
  public ModelVersion setAlias(String model, String alias, long version, String actor) {
    ModelVersion candidate = store.version(model, version);
    ModelVersion holder = currentHolder(model, alias);
    PromotionCheck.Result check = promotionCheck.check(alias, candidate, holder);
    if (!check.passed()) {
      store.recordAudit(
          actor,
          "alias.refused",
          model,
          version,
          alias,
          holder == null ? null : Long.toString(holder.version()),
          Long.toString(version),
          check.detail());
      throw new FailedPreconditionException(
          "alias '"
              + alias
              + "' of model '"
              + model
              + "': version "
              + version
              + " "
              + check.detail());
    }
    return store.setAlias(model, alias, version, config.aliasRule(alias), check.detail(), actor);
  }

  /** Approves {@code version} for {@code alias}, under the alias's rule. */
  public Approval approve(
      String model, long version, String alias, String approver, String comment) {
    return store.approve(model, version, alias, config.aliasRule(alias), approver, comment);
  }

  /** The version a reference names now. */
  public ModelVersion resolve(RegistryReference reference) {
    return reference.followsAlias()
        ? store.versionByAlias(reference.model(), reference.alias())
        : store.version(reference.model(), reference.version());
  }

  /**
   * The verified local folder of a READY version's artifact.
   *
   * @throws FailedPreconditionException when the version is not READY
   */
  public Path artifactFolder(ModelVersion version) {
    if (version.status() != VersionStatus.READY) {
      throw new FailedPreconditionException(
          "model '"
              + version.model()
              + "' version "
              + version.version()
              + " is "
              + version.status()
              + " (expected READY)");
    }
    return artifacts.open(version.artifactDigest());
  }

  /** The model file inside an artifact folder. */
  public static Path modelFile(Path artifactFolder) {
    return artifactFolder.resolve(MODEL_FILE);
  }

  /** Deletes artifacts no version refers to; returns their digests. */
  public List<String> collectGarbage() {
    return artifacts.collectGarbage(store.referencedDigests());
  }

  @Override
  public void close() {
    try (store;
        tracking) {
      // both closed
    }
  }

  private ModelVersion currentHolder(String model, String alias) {
    Long holder = store.model(model).aliases().get(alias);
    return holder == null ? null : store.version(model, holder);
  }

  private ModelSignature loadSignature(String model, long version, Path folder) {
    ModelSource source =
        new ModelSource(
            model,
            Long.toString(version),
            modelFile(folder),
            ONNX_PLATFORM,
            Labels.read(folder),
            1,
            List.of(),
            model + "/" + version + "/" + MODEL_FILE);
    try (Model loaded = loader.load(source)) {
      return ModelSignature.of(loaded.metadata());
    }
  }

  /**
   * The local file or folder a source names, after the checks: a path or {@code file:} URI under
   * one of {@link RegistryConfig#sourceRoots()}, or an {@code mlflow-artifacts:/} or {@code runs:/}
   * URI of a run artifact; an {@code .onnx} file or a folder holding {@value #MODEL_FILE}.
   */
  Path resolveSource(String source) {
    return SourceResolver.resolve(source, config.sourceRoots(), artifacts, tracking);
  }

  private static String failureMessage(RuntimeException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Labels that a folder artifact may carry beside its model file. */
  public static final class Labels {
    private Labels() {}

    /** The labels.json beside the model file, or none. */
    public static Map<String, String> read(Path folder) {
      Path file = folder.resolve("labels.json");
      if (!Files.isRegularFile(file)) {
        return Map.of();
      }
      try {
        return io.mlsys.config.LabelsFile.read(file);
      } catch (io.mlsys.config.LabelsFile.InvalidLabelsException e) {
        throw new InvalidInputException("source", "labels.json: " + e.getMessage());
      }
    }
  }
}
