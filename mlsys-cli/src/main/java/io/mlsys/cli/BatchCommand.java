package io.mlsys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys batch ...}: batch prediction. */
@Command(
    name = "batch",
    mixinStandardHelpOptions = true,
    description = {
      "Batch prediction: rows of a file predicted in chunks through a model in this process, the"
          + " answers written in place as each chunk completes, resumable after a kill."
    },
    subcommands = {BatchRunCommand.class, BatchScheduleCommand.class})
final class BatchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }
}
