package io.mlsys.cli;

import io.mlsys.config.ConfigException;
import io.mlsys.core.MlsysException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the failures a user can fix (bad config, a model that cannot load, a taken port) into one
 * clear message and an exit code, without a stack trace.
 */
final class CliErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FAILURE = 1;

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    CommandLine.Help.ColorScheme colors = commandLine.getColorScheme();
    switch (exception) {
      case ConfigException e -> {
        commandLine.getErr().println(colors.errorText("mlsys: invalid configuration:"));
        commandLine.getErr().println(e.getMessage());
        return EXIT_CONFIG;
      }
      case MlsysException e -> {
        commandLine.getErr().println(colors.errorText("mlsys: " + e.getMessage()));
        return EXIT_FAILURE;
      }
      case io.mlsys.store.StoreException e -> {
        // The store says which database and what failed; the driver's trace adds nothing.
        commandLine.getErr().println(colors.errorText("mlsys: " + e.getMessage()));
        return EXIT_FAILURE;
      }
      case io.mlsys.batch.BatchException e -> {
        commandLine.getErr().println(colors.errorText("mlsys batch: " + e.getMessage()));
        return EXIT_FAILURE;
      }
      case java.io.UncheckedIOException e -> {
        commandLine.getErr().println(colors.errorText("mlsys: " + e.getCause().getMessage()));
        return EXIT_FAILURE;
      }
      default -> {
        commandLine.getErr().println(colors.errorText("mlsys: " + exception));
        exception.printStackTrace(commandLine.getErr());
        return EXIT_FAILURE;
      }
    }
  }
}
