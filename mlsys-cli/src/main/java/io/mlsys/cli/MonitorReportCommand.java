package io.mlsys.cli;

import io.mlsys.config.Durations;
import io.mlsys.monitoring.Baseline;
import io.mlsys.monitoring.MonitorReport;
import io.mlsys.monitoring.MonitoringConfig;
import io.mlsys.predictionlog.EventQuery;
import io.mlsys.predictionlog.PredictionLog;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mlsys monitor report}: the HTML monitoring report of one model for a time range. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a self-contained HTML monitoring report (inline SVG plots) of one model over a time"
          + " range, replaying the prediction log's JSONL files (--log) or its store (--store)"
          + " through the server's monitors:"
          + " feature distributions baseline against the range, drift scores per window, class"
          + " shares, calls, errors and latency."
    })
final class MonitorReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--log",
      paramLabel = "DIR",
      description = "The prediction log's JSONL folder (prediction-log.jsonl.dir).")
  Path log;

  @Option(
      names = "--store",
      description =
          "Read the events from the prediction log's store (prediction-log.store) instead: the"
              + " store of --config (store:), --store-url or the SQLite store in --data-dir.")
  boolean store;

  @Option(
      names = "--store-url",
      paramLabel = "URL",
      description =
          "With --store: a PostgreSQL store, jdbc:postgresql://HOST:PORT/DATABASE (default: the"
              + " SQLite store in the data directory). Overrides store.url.")
  String storeUrl;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "With --store: the mlsys.yaml whose store: and data-dir the server used.")
  Path configFile;

  @Mixin DataDirOption dataDir = new DataDirOption();

  @Option(names = "--model", required = true, paramLabel = "NAME", description = "The model.")
  String model;

  @Option(
      names = "--model-version",
      paramLabel = "VERSION",
      description = "Only this version (default: every version).")
  String version;

  @Option(
      names = "--baseline",
      paramLabel = "CSV",
      description = "Training rows, a header naming the features (default: no drift).")
  Path baseline;

  @Option(
      names = "--from",
      paramLabel = "INSTANT",
      description = "Start of the range, ISO-8601 such as 2026-01-01T00:00:00Z (default: first).")
  String from;

  @Option(
      names = "--to",
      paramLabel = "INSTANT",
      description = "End of the range, exclusive (default: after the last event).")
  String to;

  @Option(
      names = "--window",
      paramLabel = "DURATION",
      defaultValue = "1m",
      description =
          "Window of the per-window plots, such as 30s, 5m or 1h (default: ${DEFAULT-VALUE}).")
  String window;

  @Option(
      names = {"--out", "-o"},
      required = true,
      paramLabel = "FILE",
      description = "The HTML file to write.")
  Path out;

  @Override
  public Integer call() throws IOException {
    if ((log == null) == !store) {
      throw new ParameterException(
          spec.commandLine(),
          "--log or --store: "
              + (store ? "both given" : "neither given")
              + " (expected: exactly one source of events)");
    }
    if (log != null && !Files.isDirectory(log)) {
      throw new ParameterException(
          spec.commandLine(), "--log: " + log + " is not a folder (expected: the JSONL folder)");
    }
    Duration windowLength =
        Durations.parse(window)
            .filter(d -> d.compareTo(Duration.ofSeconds(1)) >= 0)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "--window: " + window + " (expected: a duration >= 1s such as 5m)"));
    MonitoringConfig config =
        MonitoringConfig.defaults()
            .withWindow(
                windowLength,
                MonitoringConfig.DEFAULT_SLIDING_WINDOWS,
                MonitoringConfig.DEFAULT_HISTORY);
    Baseline loaded = null;
    if (baseline != null) {
      try {
        loaded = Baseline.fromCsv(baseline, config.bins());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--baseline: " + e.getMessage());
      }
    }
    MonitorReport.Options options =
        new MonitorReport.Options(
            model, version, instant("--from", from), instant("--to", to), config, loaded);
    MonitorReport.Result result =
        log != null ? MonitorReport.compute(log, options) : fromStore(options);
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(out, MonitorReport.html(result, options), StandardCharsets.UTF_8);
    PrintWriter printer = spec.commandLine().getOut();
    long drifted = result.whole().features().stream().filter(f -> f.drifted()).count();
    printer.println(
        "wrote "
            + out
            + ": "
            + result.events()
            + " calls, "
            + result.windows().size()
            + " windows, "
            + drifted
            + " of "
            + result.whole().features().size()
            + " features drifted");
    printer.flush();
    return 0;
  }

  /** Replays the store's events of the model (and version) that started in the range. */
  private MonitorReport.Result fromStore(MonitorReport.Options options) {
    MlsysConfig config = RegistryFiles.config(configFile);
    Path data =
        dataDir.dataDir != null
            ? dataDir.resolve(System.getenv(), System.getProperty("user.home"))
            : config.resolvedDataDir(System.getenv(), System.getProperty("user.home"));
    MonitorReport.Replay replay = MonitorReport.replay(options);
    PredictionLog.readStore(
        RegistryOptions.storeConfig(config, storeUrl),
        data,
        new EventQuery(options.model(), options.version(), options.from(), options.to()),
        event -> replay.accept(event.toJson()));
    return replay.result();
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
