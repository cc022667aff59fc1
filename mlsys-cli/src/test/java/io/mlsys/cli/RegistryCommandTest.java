package io.mlsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryStores;
import io.mlsys.registry.VersionStatus;
import io.mlsys.store.StoreConfig;
import io.mlsys.training.DemoModel;
import io.mlsys.training.IrisDemo;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code mlsys registry} commands in-process, against a registry in a temporary folder. */
class RegistryCommandTest {
  @TempDir static Path models;
  private static Path repository;

  @TempDir Path dataDir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  /** A model repository with two versions of the demo model, as train-demo writes it. */
  @BeforeAll
  static void trainDemoModels() {
    repository = models.resolve("repository");
    DemoModel first = IrisDemo.train(42);
    DemoModel second = IrisDemo.train(7);
    IrisDemo.writeToRepository(first, repository, "iris", 1);
    IrisDemo.writeToRepository(second, repository, "iris", 2);
  }

  /** Runs {@code mlsys registry ARGS --data-dir DIR}; out and err start empty. */
  private int registry(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    List<String> all = new ArrayList<>(List.of("registry"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", dataDir.toString()));
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(all.toArray(String[]::new));
  }

  private Path modelFile(int version) {
    return repository.resolve("iris/" + version + "/model.onnx");
  }

  private RegistryStores stores() {
    return RegistryStores.open(StoreConfig.defaults(), dataDir, Clock.systemUTC());
  }

  @Test
  void registerListAndShow() throws Exception {
    Path card = dataDir.resolve("card.yaml");
    Files.writeString(
        card,
        """
        purpose: Iris species from flower measurements.
        inputs: [{ name: input, description: 4 measurements, unit: cm }]
        owner: ml team
        limitations: Iris only.
        """);

    assertThat(
            registry(
                "register",
                "--model",
                "iris",
                "--source",
                modelFile(1).toString(),
                "--version-name",
                "1.0.0-1.1",
                "--description",
                "the demo",
                "--card",
                card.toString(),
                "--actor",
                "alice"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).startsWith("registered iris/1 (1.0.0-1.1) READY, artifact sha256:");

    assertThat(registry("list")).isZero();
    assertThat(out.toString()).contains("iris").contains("latest 1");

    assertThat(registry("list", "iris")).isZero();
    assertThat(out.toString()).contains("iris/1").contains("1.0.0-1.1").contains("READY");

    assertThat(registry("show", "iris/1")).isZero();
    assertThat(out.toString())
        .contains("version iris/1 (1.0.0-1.1)")
        .containsPattern("registered: +alice")
        .containsPattern("signature: +input FP32 \\[-1, 4\\] -> label INT64 \\[-1\\]")
        .containsPattern("purpose: +Iris species")
        .containsPattern("input input: +4 measurements \\[cm\\]")
        .contains("none (not trained by mlsys train)");

    assertThat(registry("show", "iris")).isZero();
    assertThat(out.toString()).contains("model iris").contains("iris/1");
  }

  @Test
  void aliasesWithApprovalArchiveAndTheAudit() throws Exception {
    Path config = dataDir.resolve("mlsys.yaml");
    Files.writeString(
        config,
        """
        registry:
          approval:
            aliases: [champion]
            approver-must-differ: true
        """);
    String configArg = config.toString();
    for (int version = 1; version <= 2; version++) {
      assertThat(
              registry(
                  "register",
                  "--model",
                  "iris",
                  "--source",
                  modelFile(version).toString(),
                  "--actor",
                  "alice"))
          .as(err.toString())
          .isZero();
    }

    assertThat(registry("alias", "set", "iris", "champion", "1", "--config", configArg))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).startsWith("mlsys: ").contains("approv");

    assertThat(
            registry(
                "approve",
                "iris/1",
                "--alias",
                "champion",
                "--config",
                configArg,
                "--actor",
                "alice"))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("alice");

    assertThat(
            registry(
                "approve",
                "iris/1",
                "--alias",
                "champion",
                "--comment",
                "looked at the metrics",
                "--config",
                configArg,
                "--actor",
                "bob"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("approved iris/1 for champion by bob");

    assertThat(
            registry(
                "alias", "set", "iris", "champion", "1", "--config", configArg, "--actor", "bob"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("alias iris@champion: - -> 1");
    assertThat(registry("show", "iris@champion")).isZero();
    assertThat(out.toString()).contains("version iris/1").containsPattern("aliases: +champion");

    // A version an alias points to cannot be archived; another can, and then takes no alias.
    assertThat(registry("archive", "iris/1")).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("champion");
    assertThat(registry("archive", "iris/2", "--actor", "carol")).as(err.toString()).isZero();
    assertThat(registry("alias", "set", "iris", "challenger", "2"))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(registry("show", "iris/2")).isZero();
    assertThat(out.toString()).contains("READY, archived");

    assertThat(registry("alias", "rm", "iris", "champion", "--actor", "bob")).isZero();
    assertThat(out.toString()).contains("alias iris@champion deleted (was 1)");

    assertThat(registry("audit", "--model", "iris")).isZero();
    String audit = out.toString();
    assertThat(audit)
        .contains("bob        alias.delete")
        .contains("carol      version.archive")
        .contains("looked at the metrics");
    assertThat(audit.indexOf("alias.delete")).isLessThan(audit.indexOf("version.register"));

    assertThat(registry("audit", "--model", "iris", "--max-results", "2")).isZero();
    Matcher next = Pattern.compile("--page-token (\\S+)").matcher(out.toString());
    assertThat(next.find()).as(out.toString()).isTrue();
    String firstPage = out.toString();
    assertThat(
            registry(
                "audit", "--model", "iris", "--max-results", "2", "--page-token", next.group(1)))
        .isZero();
    assertThat(out.toString()).isNotEqualTo(firstPage).doesNotContain("no audit entries");
  }

  @Test
  void gcDeletesArtifactsNoVersionRefersTo() throws Exception {
    assertThat(registry("register", "--model", "iris", "--source", modelFile(1).toString()))
        .isZero();
    assertThat(registry("register", "--model", "iris", "--source", modelFile(2).toString()))
        .isZero();
    String digest;
    try (RegistryStores stores = stores()) {
      digest = stores.registry().version("iris", 2).artifactDigest();
      stores.registry().deleteVersion("iris", 2, "test");
    }
    // Older than the store's grace period, which protects registrations in flight.
    try (Stream<Path> folders = Files.list(dataDir.resolve("artifacts/sha256"))) {
      for (Path folder : folders.toList()) {
        Files.setLastModifiedTime(folder, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
      }
    }

    assertThat(registry("gc")).as(err.toString()).isZero();

    assertThat(out.toString()).contains("deleted " + digest).contains("1 unreferenced artifact(s)");
    try (RegistryStores stores = stores()) {
      assertThat(stores.artifacts().contains(digest)).isFalse();
      assertThat(stores.artifacts().contains(stores.registry().version("iris", 1).artifactDigest()))
          .isTrue();
    }
  }

  @Test
  void importTakesARepositoryOnceInVersionOrder() throws Exception {
    Path repo = dataDir.resolve("repo");
    copyTree(repository, repo);
    // A Triton model: config.pbtxt naming a text labels file.
    Files.createDirectories(repo.resolve("flowers/3"));
    Files.copy(modelFile(2), repo.resolve("flowers/3/model.onnx"));
    Files.writeString(repo.resolve("flowers/labels.txt"), "setosa\nversicolor\nvirginica\n");
    Files.writeString(
        repo.resolve("flowers/config.pbtxt"),
        """
        name: "flowers"
        platform: "onnxruntime_onnx"
        output [ { name: "probabilities" data_type: TYPE_FP32 dims: [ 3 ] label_filename: "labels.txt" } ]
        """);
    // Not ONNX, and no versions: both skipped with the reason.
    Files.createDirectories(repo.resolve("resnet/1"));
    Files.writeString(repo.resolve("resnet/config.pbtxt"), "platform: \"tensorflow_savedmodel\"\n");
    Files.createDirectories(repo.resolve("empty"));

    assertThat(registry("import", repo.toString())).as(err.toString() + out).isZero();

    assertThat(out.toString())
        .contains("imported flowers/3 as flowers/1")
        .contains("imported iris/1 as iris/1")
        .contains("imported iris/2 as iris/2")
        .contains("skipped resnet: platform tensorflow_savedmodel")
        .contains("skipped empty: no version folders")
        .contains("3 version(s) imported, 0 already imported, 2 skipped, 0 failed");
    try (RegistryStores stores = stores()) {
      ModelVersion flowers = stores.registry().version("flowers", 1);
      assertThat(flowers.status()).isEqualTo(VersionStatus.READY);
      assertThat(flowers.signature().labels()).containsEntry("0", "setosa");
      assertThat(flowers.tags()).containsEntry("mlsys.repository-version", "3");
      assertThat(stores.registry().version("iris", 2).signature().labels())
          .containsEntry("2", "virginica");
      assertThat(stores.registry().version("iris", 2).tags())
          .containsEntry("mlsys.imported-from", repo.resolve("iris/2/model.onnx").toString());
    }

    // A new version folder: only it is imported the second time.
    IrisDemo.writeToRepository(IrisDemo.train(3), repo, "iris", 3);
    assertThat(registry("import", repo.toString())).as(err.toString()).isZero();

    assertThat(out.toString())
        .contains("already imported iris/1 as iris/1")
        .contains("already imported flowers/3 as flowers/1")
        .contains("imported iris/3 as iris/3")
        .contains("1 version(s) imported, 3 already imported");
  }

  @Test
  void errorsNameWhatWasWrongAndExitNonZero() throws Exception {
    assertThat(registry("show", "nosuch")).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).startsWith("mlsys: ").contains("nosuch");

    assertThat(registry("show", "iris/x")).isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("'x' is not a positive number");

    assertThat(registry("approve", "iris@champion", "--alias", "champion"))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("names an alias");

    assertThat(
            registry(
                "register", "--model", "iris", "--source", dataDir.resolve("no.onnx").toString()))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("no.onnx' does not exist");

    Path broken = Files.writeString(dataDir.resolve("broken.onnx"), "not an onnx model");
    assertThat(registry("register", "--model", "iris", "--source", broken.toString()))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).startsWith("mlsys: ").contains("failed to load");
    assertThat(registry("list", "iris")).isZero();
    assertThat(out.toString()).contains("iris/1").contains("FAILED_REGISTRATION");

    assertThat(registry("alias", "set", "iris", "champion", "1"))
        .isEqualTo(CliErrorHandler.EXIT_FAILURE);
    assertThat(err.toString()).contains("FAILED_REGISTRATION");
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }
}
