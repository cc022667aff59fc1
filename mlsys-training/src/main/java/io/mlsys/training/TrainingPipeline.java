package io.mlsys.training;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import io.mlsys.core.ResourceExistsException;
import io.mlsys.core.ResourceNotFoundException;
import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.Lineage;
import io.mlsys.registry.ModelCard;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.RegistryStore;
import io.mlsys.registry.VersionName;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.registry.tracking.TrackingStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Train-then-serve's first half, {@code mlsys train}: trains a classifier ({@link
 * ClassifierTraining}), records it as a tracking run (parameters, metrics, dataset URI, digest and
 * split as tags; FINISHED or FAILED), logs the ONNX model as the run's artifact, registers it as a
 * version of a registered model linked to the run (lineage with the runtime environment and code
 * version, model card, training-data profile, version name), and optionally moves an alias through
 * the registry's promotion rule.
 *
 * <p>Bad input (an unknown column, a bad hyperparameter, an absent file) is refused before a run is
 * created; a failure after that leaves the run FAILED.
 */
public final class TrainingPipeline {
  /** The run artifact folder that holds the model: {@value}. */
  public static final String MODEL_ARTIFACT = "model";

  /** Run tag: the dataset's URI: {@value}. */
  public static final String DATASET_URI_TAG = "mlsys.dataset.uri";

  /** Run tag: {@code sha256:<hex>} of the dataset: {@value}. */
  public static final String DATASET_DIGEST_TAG = "mlsys.dataset.digest";

  /** Run tag: the train/test split: {@value}. */
  public static final String DATASET_SPLIT_TAG = "mlsys.dataset.split";

  /** Run tag: the training code's version: {@value}. */
  public static final String CODE_VERSION_TAG = "mlsys.code-version";

  /** Run tag: the version registered from the run, {@code model/version}: {@value}. */
  public static final String REGISTERED_VERSION_TAG = "mlsys.registered-version";

  /** Version tag: the algorithm: {@value}. */
  public static final String ALGORITHM_TAG = "mlsys.algorithm";

  /** The first derived version name: {@value}. */
  public static final String FIRST_VERSION_NAME = "1.0.0-1.1";

  /** Versions looked at, newest first, to find the previous version name: {@value}. */
  static final int VERSION_NAME_LOOKBACK = 50;

  /**
   * What to train and register.
   *
   * @param training what to train
   * @param model the registered model (created when absent)
   * @param experiment the tracking experiment (created when absent); null for the model's name
   * @param description of the version, or null
   * @param versionName null to derive it from the previous version ({@link #nextVersionName})
   * @param card null for a card made from the data ({@link ModelCards#forTraining})
   * @param alias an alias to move to the new version through the promotion rule, or null
   * @param workingFolder where the code version is read (its git commit), or null
   */
  public record Request(
      TrainingConfig training,
      String model,
      String experiment,
      String description,
      VersionName versionName,
      ModelCard card,
      String alias,
      Path workingFolder) {
    public Request {
      Objects.requireNonNull(training, "training");
      if (model == null || !ModelNames.isValidName(model)) {
        throw new InvalidInputException(
            "model", "'" + model + "' (expected " + ModelNames.EXPECTED_NAME + ")");
      }
      experiment = experiment == null || experiment.isBlank() ? model : experiment;
    }
  }

  /**
   * What happened to the alias.
   *
   * @param moved whether it now points to the new version
   * @param detail the promotion rule's check with its numbers, or why it was refused; null when the
   *     alias has no rule
   */
  public record AliasOutcome(String alias, boolean moved, String detail) {}

  /**
   * @param run the tracking run, FINISHED
   * @param version the registered version, READY
   * @param alias null when no alias was asked for
   */
  public record Outcome(
      Run run, ModelVersion version, TrainedClassifier trained, AliasOutcome alias) {}

  private final ModelRegistry registry;
  private final Clock clock;

  public TrainingPipeline(ModelRegistry registry, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Runs it.
   *
   * @throws InvalidInputException for bad input, before anything is recorded
   * @throws io.mlsys.core.ModelLoadException when the exported model does not load (the run is
   *     FAILED, the version FAILED_REGISTRATION)
   */
  public Outcome run(Request request, String actor) {
    TrainingConfig config = request.training();
    TrainingData data =
        config.data() == null ? TrainingData.bundledIris() : TrainingData.read(config.data());
    Map<String, String> hyperparameters = config.algorithm().resolve(config.parameters());
    Path workingFolder =
        request.workingFolder() == null ? Path.of("").toAbsolutePath() : request.workingFolder();
    String codeVersion = RuntimeEnvironment.codeVersion(workingFolder);
    TrackingStore tracking = registry.tracking();

    String experimentId = experiment(tracking, request.experiment());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.user", actor);
    tags.put("mlflow.source.name", "mlsys train");
    tags.put("mlflow.source.type", "LOCAL");
    if (codeVersion.startsWith("git:")) {
      tags.put("mlflow.source.git.commit", RuntimeEnvironment.gitCommit(workingFolder));
    }
    tags.put(DATASET_URI_TAG, data.uri());
    tags.put(DATASET_DIGEST_TAG, data.digest());
    tags.put(DATASET_SPLIT_TAG, config.splitDescription());
    tags.put(CODE_VERSION_TAG, codeVersion);
    Run run =
        tracking.createRun(
            experimentId,
            actor,
            request.model() + "-" + config.algorithm().key(),
            clock.millis(),
            tags);
    try {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("algorithm", config.algorithm().key());
      params.putAll(hyperparameters);
      params.put("response", config.response());
      params.put("train-proportion", Double.toString(config.trainProportion()));
      params.put("seed", Long.toString(config.seed()));
      tracking.logBatch(run.runId(), List.of(), params, Map.of());

      TrainedClassifier trained = ClassifierTraining.train(data, config);
      long now = clock.millis();
      List<Metric> metrics = new ArrayList<>();
      trained.metrics().forEach((key, value) -> metrics.add(new Metric(key, value, now, 0)));
      tracking.logBatch(
          run.runId(),
          metrics,
          Map.of(
              "features", truncate(String.join(",", trained.featureNames())),
              "train-rows", Integer.toString(trained.trainRows()),
              "test-rows", Integer.toString(trained.testRows())),
          Map.of());
      String source = logModel(run, trained);

      Map<String, String> lineageParameters = new LinkedHashMap<>(params);
      lineageParameters.remove("response");
      lineageParameters.remove("train-proportion");
      lineageParameters.remove("seed");
      Lineage lineage =
          new Lineage(
              run.runId(),
              data.uri(),
              data.digest(),
              config.splitDescription(),
              lineageParameters,
              trained.metrics(),
              codeVersion,
              RuntimeEnvironment.capture());
      VersionName versionName =
          request.versionName() != null
              ? request.versionName()
              : nextVersionName(registry.store(), request.model(), lineage, trained.profile());
      ModelCard card =
          request.card() != null ? request.card() : ModelCards.forTraining(trained, actor);
      ModelVersion version =
          registry.register(
              new NewVersion(
                  request.model(),
                  source,
                  request.description(),
                  versionName,
                  lineage,
                  card,
                  trained.profile(),
                  Map.of(ALGORITHM_TAG, config.algorithm().key())),
              actor);
      tracking.setTag(
          run.runId(), REGISTERED_VERSION_TAG, version.model() + "/" + version.version());
      Run finished = tracking.updateRun(run.runId(), RunStatus.FINISHED, clock.millis(), null);
      AliasOutcome alias =
          request.alias() == null ? null : moveAlias(version, request.alias(), actor);
      return new Outcome(
          finished,
          alias != null && alias.moved()
              ? registry.store().version(version.model(), version.version())
              : version,
          trained,
          alias);
    } catch (RuntimeException e) {
      try {
        tracking.updateRun(run.runId(), RunStatus.FAILED, clock.millis(), null);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The experiment's id, created when absent (another process may create it at once). */
  static String experiment(TrackingStore tracking, String name) {
    try {
      return tracking.experimentByName(name).id();
    } catch (ResourceNotFoundException absent) {
      try {
        return tracking.createExperiment(name, null, Map.of());
      } catch (ResourceExistsException raced) {
        return tracking.experimentByName(name).id();
      }
    }
  }

  /** Writes the model folder as the run's artifact; returns the {@code runs:/} source naming it. */
  private String logModel(Run run, TrainedClassifier trained) {
    String base = run.artifactUri();
    if (base == null || !base.startsWith("mlflow-artifacts:")) {
      throw new FailedPreconditionException(
          "run "
              + run.runId()
              + " stores its artifacts at '"
              + base
              + "' (expected: mlflow-artifacts:/..., this registry's artifact store)");
    }
    String path = base.substring("mlflow-artifacts:".length()).replaceFirst("^/+", "");
    Path staging = null;
    try {
      staging = Files.createTempDirectory("mlsys-train-");
      Path folder = trained.writeTo(staging.resolve(MODEL_ARTIFACT));
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.sorted().toList()) {
          try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            registry.artifacts().write(path + "/" + MODEL_ARTIFACT + "/" + file.getFileName(), in);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot log the model of run " + run.runId() + ": " + e, e);
    } finally {
      deleteQuietly(staging);
    }
    return "runs:/" + run.runId() + "/" + MODEL_ARTIFACT;
  }

  private AliasOutcome moveAlias(ModelVersion version, String alias, String actor) {
    try {
      registry.setAlias(version.model(), alias, version.version(), actor);
    } catch (FailedPreconditionException refused) {
      return new AliasOutcome(alias, false, refused.getMessage());
    }
    // The check's numbers are in the audit entry of the move.
    List<AuditEntry> latest =
        registry.store().audit(new AuditQuery(version.model(), 5, null)).items();
    String detail =
        latest.stream()
            .filter(e -> alias.equals(e.alias()) && Objects.equals(e.version(), version.version()))
            .map(AuditEntry::detail)
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null);
    return new AliasOutcome(alias, true, detail);
  }

  /**
   * The version name of a new version from the previous named version of {@code model}: the data
   * version grows when the dataset digest differs (split back to 1), else the split version when
   * the split differs; the logic version when the hyperparameters differ, the interface version
   * (logic back to 0) when the profiled columns differ; a retrain with nothing changed grows the
   * logic version. The first is {@value #FIRST_VERSION_NAME}.
   */
  public static VersionName nextVersionName(
      RegistryStore store, String model, Lineage lineage, DataProfile profile) {
    ModelVersion previous = previousNamed(store, model);
    if (previous == null) {
      return VersionName.parse(FIRST_VERSION_NAME, "versionName");
    }
    VersionName name = previous.versionName();
    Lineage before = previous.lineage();
    int release = name.release();
    int interfaceVersion = name.interfaceVersion();
    int logic = name.logic();
    int dataVersion = name.data();
    int split = name.split();
    boolean changed = false;
    if (!Objects.equals(before.datasetDigest(), lineage.datasetDigest())) {
      dataVersion++;
      split = 1;
      changed = true;
    } else if (!Objects.equals(before.split(), lineage.split())) {
      split++;
      changed = true;
    }
    if (previous.profile() != null
        && profile != null
        && !columns(previous.profile()).equals(columns(profile))) {
      interfaceVersion++;
      logic = 0;
      changed = true;
    } else if (!before.hyperparameters().equals(lineage.hyperparameters()) || !changed) {
      logic++;
    }
    return new VersionName(release, interfaceVersion, logic, dataVersion, split);
  }

  private static List<String> columns(DataProfile profile) {
    return profile.features().stream().map(DataProfile.Feature::name).toList();
  }

  private static ModelVersion previousNamed(RegistryStore store, String model) {
    if (store.findModel(model).isEmpty()) {
      return null;
    }
    long newest =
        store.latestVersions(model, List.of()).stream()
            .mapToLong(ModelVersion::version)
            .max()
            .orElse(0);
    for (long v = newest; v >= 1 && v > newest - VERSION_NAME_LOOKBACK; v--) {
      try {
        ModelVersion version = store.version(model, v);
        if (version.versionName() != null) {
          return version;
        }
      } catch (ResourceNotFoundException deleted) {
        // A deleted version has no name to follow.
      }
    }
    return null;
  }

  /** MLflow's limit on a parameter value. */
  private static String truncate(String value) {
    return value.length() <= 6000 ? value : value.substring(0, 5997) + "...";
  }

  private static void deleteQuietly(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      System.getLogger(TrainingPipeline.class.getName())
          .log(System.Logger.Level.WARNING, "cannot delete the staging folder " + folder, e);
    }
  }
}
