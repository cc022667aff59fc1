package io.mlsys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys features ...}: the data cache of {@code features} graph nodes. */
@Command(
    name = "features",
    mixinStandardHelpOptions = true,
    description = {
      "The data cache of features graph nodes (docs/configuration.md, \"features\"): load feature"
          + " vectors into the shared (Redis) tier ahead of traffic."
    },
    subcommands = {FeaturesWarmCommand.class})
final class FeaturesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }
}
