package io.mlsys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys monitor ...}: prediction monitoring offline, from the prediction log. */
@Command(
    name = "monitor",
    mixinStandardHelpOptions = true,
    description = {
      "Prediction monitoring from the prediction log's JSONL files (docs/observability.md)."
    },
    subcommands = {MonitorReportCommand.class})
final class MonitorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }
}
