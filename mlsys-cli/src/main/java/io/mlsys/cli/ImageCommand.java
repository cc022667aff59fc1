package io.mlsys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys image ...}: OCI images with a registered model inside, built without Docker. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = {
      "OCI images that serve one registered model version, built with Jib (no Docker daemon):"
          + " the server's jars and the model as their own layers (docs/deploy.md)."
    },
    subcommands = {ImageBuildCommand.class, ImageBaseCommand.class})
final class ImageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }
}
