package io.mlsys.cli;

import io.mlsys.config.Durations;
import io.mlsys.monitoring.Baseline;
import io.mlsys.monitoring.MonitorReport;
import io.mlsys.monitoring.MonitoringConfig;
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
          + " range, replaying the prediction log's JSONL files through the server's monitors:"
          + " feature distributions baseline against the range, drift scores per window, class"
          + " shares, calls, errors and latency."
    })
final class MonitorReportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--log",
      required = true,
      paramLabel = "DIR",
      description = "The prediction log's JSONL folder (prediction-log.jsonl.dir).")
  Path log;

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
    if (!Files.isDirectory(log)) {
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
    MonitorReport.Result result = MonitorReport.compute(log, options);
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
