package io.mlsys.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mlsys} command. */
@Command(
    name = "mlsys",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Machine-learning system design patterns as one model server.",
    subcommands = {
      QuickstartCommand.class,
      ServeCommand.class,
      WorkerCommand.class,
      TrainDemoCommand.class,
      TrainCommand.class,
      RegistryCommand.class,
      ImageCommand.class,
      BatchCommand.class,
      MonitorCommand.class,
      ExperimentCommand.class,
      FeaturesCommand.class,
      TrainStandInsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  public static void main(String[] args) {
    ConsoleLogging.install();
    System.exit(commandLine().execute(args));
  }

  /** The command line with our error handling, shared by {@link #main} and tests. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setExecutionExceptionHandler(new CliErrorHandler());
    return commandLine;
  }
}
