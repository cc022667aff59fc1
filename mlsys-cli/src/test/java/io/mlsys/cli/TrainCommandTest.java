package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.DataProfile;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryStores;
import io.mlsys.registry.VersionStatus;
import io.mlsys.registry.tracking.Metric;
import io.mlsys.registry.tracking.Run;
import io.mlsys.registry.tracking.RunStatus;
import io.mlsys.store.StoreConfig;
import io.mlsys.training.TrainingData;
import io.mlsys.training.TrainingPipeline;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mlsys train} end to end against a registry in a temporary data directory. */
class TrainCommandTest {
  @TempDir Path dataDir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int train(String... extra) {
    List<String> args =
        new java.util.ArrayList<>(List.of("train", "--data-dir", dataDir.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  private RegistryStores stores() {
    return RegistryStores.open(StoreConfig.defaults(), dataDir, Clock.systemUTC());
  }

  @Test
  void trainRecordsARunAndRegistersAReadyVersionWithLineageCardAndProfile() {
    assertThat(train("--param", "epochs=200", "--actor", "alice")).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains("accuracy")
        .contains("run ")
        .contains("FINISHED")
        .contains("registered iris/1 (1.0.0-1.1) READY");
    try (RegistryStores stores = stores()) {
      ModelVersion version = stores.registry().version("iris", 1);
      assertThat(version.status()).isEqualTo(VersionStatus.READY);
      assertThat(version.createdBy()).isEqualTo("alice");
      assertThat(version.versionName()).hasToString("1.0.0-1.1");
      assertThat(version.source()).isEqualTo("runs:/" + version.runId() + "/model");
      assertThat(version.signature().labels()).containsValues("setosa", "versicolor", "virginica");
      // Lineage: run, data, split, hyperparameters, metrics, code version, environment.
      assertThat(version.lineage().datasetUri()).isEqualTo(TrainingData.BUNDLED_IRIS_URI);
      assertThat(version.lineage().datasetDigest()).startsWith("sha256:");
      assertThat(version.lineage().split()).isEqualTo("train 0.7 / test 0.3, seed 42");
      assertThat(version.lineage().hyperparameters())
          .containsEntry("algorithm", "logistic-regression")
          .containsEntry("epochs", "200");
      assertThat(version.lineage().metrics().get("accuracy")).isGreaterThan(0.8);
      assertThat(version.lineage().codeVersion()).matches("(git:[0-9a-f]{40}(-dirty)?|mlsys-.*)");
      assertThat(version.lineage().environment())
          .containsEntry("java.version", Runtime.version().toString())
          .containsKeys("tribuo", "onnxruntime", "os.arch");
      // Card with units; profile of the 105 training rows.
      assertThat(version.card().owner()).isEqualTo("alice");
      assertThat(version.card().inputs()).extracting(i -> i.unit()).containsOnly("cm");
      assertThat(version.profile().rows()).isEqualTo(105);
      assertThat(version.profile().features())
          .extracting(DataProfile.Feature::name)
          .containsExactly("sepal_length", "sepal_width", "petal_length", "petal_width", "species");

      Run run = stores.tracking().run(version.runId());
      assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
      assertThat(run.userId()).isEqualTo("alice");
      assertThat(run.params())
          .containsEntry("algorithm", "logistic-regression")
          .containsEntry("epochs", "200")
          .containsEntry("seed", "42")
          .containsEntry("train-rows", "105");
      assertThat(run.tags())
          .containsEntry(TrainingPipeline.DATASET_URI_TAG, TrainingData.BUNDLED_IRIS_URI)
          .containsEntry(TrainingPipeline.DATASET_DIGEST_TAG, version.lineage().datasetDigest())
          .containsEntry(TrainingPipeline.DATASET_SPLIT_TAG, "train 0.7 / test 0.3, seed 42")
          .containsEntry(TrainingPipeline.REGISTERED_VERSION_TAG, "iris/1");
      Map<String, Double> metrics =
          run.metrics().stream().collect(Collectors.toMap(Metric::key, Metric::value));
      assertThat(metrics).containsKeys("accuracy", "macro_f1", "f1.setosa");
      assertThat(metrics.get("accuracy")).isEqualTo(version.lineage().metrics().get("accuracy"));
      assertThat(stores.tracking().experimentByName("iris").id()).isEqualTo(run.experimentId());
    }
  }

  @Test
  void promotionRulePassesThenRefusesAWorseVersionWithTheNumbersInTheAudit() throws Exception {
    Path config = dataDir.resolve("mlsys.yaml");
    Files.writeString(
        config,
        """
        registry:
          promotion:
            champion:
              metrics:
                accuracy: { max-drop: 0.01, min: 0.5, lower-is-better: false }
        """);

    assertThat(train("--config", config.toString(), "--alias", "champion"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("alias champion -> 1 (promotion rule: accuracy");

    // One epoch at a tiny learning rate: far less accurate than version 1.
    int refused =
        train(
            "--config",
            config.toString(),
            "--alias",
            "champion",
            "--param",
            "epochs=1",
            "--param",
            "learning-rate=0.0001");

    assertThat(refused).isEqualTo(TrainCommand.EXIT_ALIAS_REFUSED);
    assertThat(out.toString()).contains("registered iris/2 (1.0.1-1.1) READY");
    assertThat(err.toString()).contains("alias champion not moved").contains("FAIL");
    try (RegistryStores stores = stores()) {
      assertThat(stores.registry().model("iris").aliases()).containsEntry("champion", 1L);
      double holder = stores.registry().version("iris", 1).lineage().metrics().get("accuracy");
      double candidate = stores.registry().version("iris", 2).lineage().metrics().get("accuracy");
      List<AuditEntry> audit = stores.registry().audit(new AuditQuery("iris", 50, null)).items();
      AuditEntry refusal =
          audit.stream().filter(e -> e.action().equals("alias.refused")).findFirst().orElseThrow();
      assertThat(refusal.version()).isEqualTo(2L);
      assertThat(refusal.alias()).isEqualTo("champion");
      assertThat(refusal.detail())
          .contains("vs holder version 1")
          .contains(number(holder))
          .contains(number(candidate))
          .contains("(FAIL)");
      AuditEntry moved =
          audit.stream().filter(e -> e.action().equals("alias.set")).findFirst().orElseThrow();
      assertThat(moved.detail()).contains("accuracy").contains("(ok)");
    }
  }

  @Test
  void factorizationMachineOnACsvFileWithACardFromYaml() throws Exception {
    Path csv = dataDir.resolve("flowers.csv");
    StringBuilder text = new StringBuilder("height,width,kind\n");
    for (int i = 0; i < 40; i++) {
      boolean tall = i % 2 == 0;
      text.append(tall ? 10 + i % 3 : 1 + i % 3)
          .append(',')
          .append(i % 5)
          .append(',')
          .append(tall ? "tall" : "short")
          .append('\n');
    }
    Files.writeString(csv, text);
    Path card = dataDir.resolve("card.yaml");
    Files.writeString(
        card,
        """
        purpose: Tells tall flowers from short ones.
        inputs:
          - { name: height, description: stem height, unit: cm }
          - { name: width, description: leaf width, unit: mm }
        owner: botany team
        limitations: Greenhouse flowers only.
        """);

    int code =
        train(
            "--data",
            csv.toString(),
            "--response",
            "kind",
            "--algorithm",
            "factorization-machine",
            "--param",
            "factor-size=2",
            "--model",
            "flowers",
            "--version-name",
            "2.1.0-3.1",
            "--card",
            card.toString());

    assertThat(code).as(err.toString()).isZero();
    try (RegistryStores stores = stores()) {
      ModelVersion version = stores.registry().version("flowers", 1);
      assertThat(version.versionName()).hasToString("2.1.0-3.1");
      assertThat(version.lineage().datasetUri()).isEqualTo(csv.toUri().toString());
      assertThat(version.lineage().hyperparameters())
          .containsEntry("algorithm", "factorization-machine")
          .containsEntry("factor-size", "2");
      assertThat(version.card().owner()).isEqualTo("botany team");
      assertThat(version.card().inputs().get(1).unit()).isEqualTo("mm");
    }
  }

  @Test
  void badInputIsRefusedBeforeAnyRunIsRecorded() {
    assertThat(train("--param", "depth=3")).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("param.depth").contains("epochs, learning-rate");

    assertThat(train("--data", dataDir.resolve("absent.csv").toString()))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("absent.csv' does not exist");

    assertThat(train("--version-name", "v2")).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("--version-name: 'v2' is not a version name");

    try (RegistryStores stores = stores()) {
      assertThat(stores.registry().findModel("iris")).isEmpty();
    }
  }

  @Test
  void derivedVersionNamesFollowWhatChanged() {
    assertThat(train()).as(err.toString()).isZero();
    assertThat(train("--seed", "7")).as(err.toString()).isZero();
    assertThat(train("--seed", "7", "--param", "epochs=100")).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains("registered iris/1 (1.0.0-1.1)")
        // Another seed is another split.
        .contains("registered iris/2 (1.0.0-1.2)")
        // Other hyperparameters are other logic.
        .contains("registered iris/3 (1.0.1-1.2)");
  }

  private static String number(double value) {
    return String.format(java.util.Locale.ROOT, "%.6g", value);
  }
}
