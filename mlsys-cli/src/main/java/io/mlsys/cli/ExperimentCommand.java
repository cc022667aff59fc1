package io.mlsys.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.experiments.Experiments;
import io.mlsys.predictionlog.Feedback;
import io.mlsys.predictionlog.FeedbackReader;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryReference;
import io.mlsys.repository.ModelConfig;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys experiment list|show|report|promote}: the experiments of the split and mirror nodes
 * of a config's graphs (found as a server finds them, so nested ones too, by the same names), read
 * from its store (the one {@code mlsys serve} with the same config writes).
 */
@Command(
    name = "experiment",
    mixinStandardHelpOptions = true,
    description = {
      "Shadow and online A/B experiments (every split and mirror node of --config's graphs, at a"
          + " graph's root or nested), from the store (docs/experiments.md)."
    },
    subcommands = {
      ExperimentCommand.ListExperiments.class,
      ExperimentCommand.Show.class,
      ExperimentCommand.Report.class,
      ExperimentCommand.Promote.class
    })
final class ExperimentCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }

  /** The store, data directory and config of a command; opens the experiments. */
  static final class Opened implements AutoCloseable {
    final MlsysConfig config;
    final Experiments experiments;
    private final FeedbackReader feedback;

    Opened(RegistryOptions options, CommandSpec spec) {
      if (options.configFile == null) {
        throw new ParameterException(
            spec.commandLine(), "--config: missing (expected: the mlsys.yaml that declares them)");
      }
      config = RegistryFiles.config(options.configFile);
      Path dataDir = options.dataDir(config);
      var store = RegistryOptions.storeConfig(config, options.storeUrl);
      experiments = Experiments.open(store, dataDir, Clock.systemUTC(), new SimpleMeterRegistry());
      experiments.declareGraphs(config.graphs());
      feedback = FeedbackReader.open(store, dataDir);
      experiments.feedbackSource(
          (model, kind, from, limit) -> {
            Map<String, JsonNode> values = new HashMap<>();
            for (Feedback one :
                feedback.read(
                    model, Feedback.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), from, limit)) {
              values.put(one.requestId(), one.value());
            }
            return values;
          });
    }

    @Override
    public void close() {
      try (feedback) {
        experiments.close();
      }
    }
  }

  /** {@code mlsys experiment list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Lists the experiments: name, kind, state, winner.")
  static final class ListExperiments implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RegistryOptions options = new RegistryOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Opened opened = new Opened(options, spec)) {
        out.printf("%-24s %-7s %-10s %s%n", "NAME", "KIND", "STATE", "WINNER");
        for (Map<String, Object> experiment : opened.experiments.list()) {
          out.printf(
              "%-24s %-7s %-10s %s%n",
              experiment.get("name"),
              experiment.get("kind"),
              experiment.get("state"),
              experiment.get("winner") == null ? "-" : experiment.get("winner"));
        }
      }
      out.flush();
      return 0;
    }
  }

  /** {@code mlsys experiment show NAME}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Prints one experiment's status as JSON (as GET /v2/experiments/NAME).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RegistryOptions options = new RegistryOptions();

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (Opened opened = new Opened(options, spec)) {
        out.println(
            JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(opened.experiments.status(name)));
      }
      out.flush();
      return 0;
    }
  }

  /** {@code mlsys experiment report NAME}. */
  @Command(
      name = "report",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a self-contained HTML report (inline SVG plots) of an experiment over a time range:"
            + " for a split, verdict, arms over time, outcome intervals, outcome and latency"
            + " distributions, guardrails; for a mirror, agreement per candidate. Prints the"
            + " verdict; --json also writes the JSON report."
      })
  static final class Report implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RegistryOptions options = new RegistryOptions();

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--from",
        paramLabel = "INSTANT",
        description = "Start of the range, ISO-8601 such as 2026-01-01T00:00:00Z (default: first).")
    String from;

    @Option(
        names = "--to",
        paramLabel = "INSTANT",
        description = "End of the range, exclusive (default: now).")
    String to;

    @Option(
        names = {"--out", "-o"},
        required = true,
        paramLabel = "FILE",
        description = "The HTML file to write.")
    Path out;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the JSON report.")
    Path json;

    @Override
    public Integer call() throws IOException, InterruptedException {
      Instant start = instant("--from", from);
      Instant end = instant("--to", to);
      PrintWriter printer = spec.commandLine().getOut();
      try (Opened opened = new Opened(options, spec)) {
        String html = opened.experiments.htmlReport(name, start, end);
        write(out, html);
        Map<String, Object> report = opened.experiments.report(name, start, end, null);
        if (json != null) {
          write(json, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        }
        printer.println("wrote " + out + ": " + summary(report));
      }
      printer.flush();
      return 0;
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> report) {
      if (report.containsKey("candidates")) {
        StringBuilder text = new StringBuilder();
        ((Map<String, Object>) report.get("candidates"))
            .forEach(
                (candidate, value) ->
                    text.append(text.isEmpty() ? "" : "; ")
                        .append(candidate)
                        .append(": ")
                        .append(((Map<String, Object>) value).get("verdict"))
                        .append(", agreement ")
                        .append(((Map<String, Object>) value).get("agreement_rate")));
        return text.toString();
      }
      return "verdict "
          + report.get("verdict")
          + (report.get("best_arm") == null ? "" : " (" + report.get("best_arm") + ")")
          + ": "
          + report.get("reason");
    }

    private static void write(Path file, String text) throws IOException {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private Instant instant(String option, String text) {
      if (text == null) {
        return null;
      }
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new ParameterException(
            spec.commandLine(),
            option + ": " + text + " (expected: an ISO-8601 instant such as 2026-01-01T00:00:00Z)");
      }
    }
  }

  /** {@code mlsys experiment promote NAME}. */
  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Moves the split's promote-alias to the registry version its concluded winner's model"
            + " serves (models.<m>.registry in --config), under the alias's approval rules (as"
            + " POST /v2/experiments/NAME/promote)."
      })
  static final class Promote implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin RegistryOptions options = new RegistryOptions();

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Experiments.Promotion promotion;
      MlsysConfig config;
      try (Opened opened = new Opened(options, spec)) {
        promotion = opened.experiments.promotion(name);
        config = opened.config;
      }
      ModelConfig model = config.modelSources().models().get(promotion.model());
      if (model == null || model.registry() == null) {
        throw new io.mlsys.core.FailedPreconditionException(
            "experiment '"
                + name
                + "': the winner's model '"
                + promotion.model()
                + "' is not a registry model (expected: models."
                + promotion.model()
                + ".registry: <name>@<alias> or <name>/<version>)");
      }
      try (ModelRegistry registry = options.open(spec.commandLine().getErr(), List.of(), false)) {
        RegistryReference reference = RegistryReference.parse(model.registry(), "registry");
        ModelVersion winner = registry.resolve(reference);
        registry.setAlias(winner.model(), promotion.alias(), winner.version(), options.actor());
        out.println(
            "promoted "
                + name
                + " winner "
                + promotion.arm()
                + ": "
                + winner.model()
                + "@"
                + promotion.alias()
                + " -> version "
                + winner.version());
      }
      out.flush();
      return 0;
    }
  }
}
