package io.mlsys.cli;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.VersionName;
import io.mlsys.training.ClassifierAlgorithm;
import io.mlsys.training.TrainingConfig;
import io.mlsys.training.TrainingPipeline;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys train}: train a classifier with Tribuo, record the run, register the version
 * (train-then-serve).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Trains a classifier with Tribuo on a CSV file (default: the bundled Iris data), evaluates it"
          + " on held-out rows, records a tracking run (parameters, metrics, dataset digest),"
          + " exports it to ONNX and registers it as a version of a registered model, with its"
          + " lineage, model card and training-data profile.",
      "With --alias, moves the alias to the new version if the alias's promotion rule allows."
    })
final class TrainCommand implements Callable<Integer> {
  /** Exit code when the version registered but the alias stayed where it was. */
  static final int EXIT_ALIAS_REFUSED = 3;

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "CSV",
      description = "CSV file with a header line (default: the bundled Iris data).")
  Path data;

  @Option(
      names = "--response",
      paramLabel = "COLUMN",
      defaultValue = TrainingConfig.DEFAULT_RESPONSE,
      description = "The class column (default: ${DEFAULT-VALUE}).")
  String response;

  @Option(
      names = "--features",
      paramLabel = "COLUMN",
      split = ",",
      description = "Feature columns, in input order (default: every column but the response).")
  List<String> features;

  @Option(
      names = "--algorithm",
      paramLabel = "NAME",
      defaultValue = "logistic-regression",
      description = "logistic-regression or factorization-machine (default: ${DEFAULT-VALUE}).")
  String algorithm;

  @Option(
      names = "--param",
      paramLabel = "KEY=VALUE",
      description =
          "A hyperparameter (repeatable). logistic-regression: epochs, learning-rate, epsilon,"
              + " minibatch-size; factorization-machine: also factor-size, variance.")
  Map<String, String> params;

  @Option(
      names = "--train-proportion",
      paramLabel = "P",
      defaultValue = "0.7",
      description = "Share of rows trained on; the rest are held out (default: ${DEFAULT-VALUE}).")
  double trainProportion;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Seeds the split and the trainer (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      defaultValue = "iris",
      description = "Registered model to add the version to (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(
      names = "--experiment",
      paramLabel = "NAME",
      description = "Tracking experiment of the run (default: the model's name).")
  String experiment;

  @Option(names = "--description", paramLabel = "TEXT", description = "The version's description.")
  String description;

  @Option(
      names = "--version-name",
      paramLabel = "X.Y.Z-D.S",
      description =
          "Version name release.interface.logic-data.split (default: derived from the previous"
              + " version: data when the data digest changes, split when the split does, logic"
              + " when the hyperparameters do).")
  String versionName;

  @Option(
      names = "--card",
      paramLabel = "FILE.yaml",
      description =
          "Model card (purpose, inputs with name/description/unit, owner, limitations); default:"
              + " one made from the data.")
  Path card;

  @Option(
      names = "--alias",
      paramLabel = "ALIAS",
      description =
          "Move this alias (e.g. champion) to the new version, through its promotion rule.")
  String alias;

  @Mixin RegistryOptions registry = new RegistryOptions();

  private final Clock clock;

  TrainCommand() {
    this(Clock.systemUTC());
  }

  TrainCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // Tribuo logs every training run at INFO; we print our own summary instead.
    Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
    TrainingConfig config =
        new TrainingConfig(
            data,
            response,
            features,
            ClassifierAlgorithm.of(algorithm),
            params == null ? Map.of() : new LinkedHashMap<>(params),
            trainProportion,
            seed);
    TrainingPipeline.Request request =
        new TrainingPipeline.Request(
            config,
            model,
            experiment,
            description,
            versionName == null ? null : VersionName.parse(versionName, "--version-name"),
            card == null ? null : RegistryFiles.card(card),
            alias,
            Path.of("").toAbsolutePath());
    checkAlias(alias);
    out.printf(
        Locale.ROOT,
        "Training %s on %s with Tribuo (%s)...%n",
        model,
        data == null ? "the bundled Iris data" : data,
        config.algorithm().key());
    out.flush();
    TrainingPipeline.Outcome outcome;
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), true)) {
      outcome = new TrainingPipeline(opened, clock).run(request, registry.actor());
    }
    ModelVersion version = outcome.version();
    out.println("  " + outcome.trained().summary());
    out.println(
        "  run "
            + outcome.run().runId()
            + " "
            + outcome.run().status()
            + " (experiment "
            + request.experiment()
            + ")");
    out.println(
        "  registered "
            + version.model()
            + "/"
            + version.version()
            + (version.versionName() == null ? "" : " (" + version.versionName() + ")")
            + " "
            + version.status()
            + ", artifact "
            + version.artifactDigest());
    if (outcome.alias() == null) {
      out.printf("  show it: ./mlsys registry show %s/%d%n", version.model(), version.version());
      out.flush();
      return 0;
    }
    TrainingPipeline.AliasOutcome moved = outcome.alias();
    if (moved.moved()) {
      out.println(
          "  alias "
              + moved.alias()
              + " -> "
              + version.version()
              + (moved.detail() == null ? "" : " (" + moved.detail() + ")"));
      out.flush();
      return 0;
    }
    out.flush();
    spec.commandLine()
        .getErr()
        .println(
            spec.commandLine()
                .getColorScheme()
                .errorText("mlsys: alias " + moved.alias() + " not moved: " + moved.detail()));
    spec.commandLine().getErr().flush();
    return EXIT_ALIAS_REFUSED;
  }

  private static void checkAlias(String alias) {
    if (alias != null && !alias.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}")) {
      throw new InvalidInputException(
          "--alias", "'" + alias + "' (expected: letters, digits, '_', '.' or '-')");
    }
  }
}
