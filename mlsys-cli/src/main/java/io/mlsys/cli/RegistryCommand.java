package io.mlsys.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys registry ...}: the model registry from the command line. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = {
      "The model registry: registered models, versions with lineage, model cards and data"
          + " profiles, aliases with promotion rules and approvals, and the audit of every change.",
      "Every command takes --data-dir (the embedded SQLite store) or --store-url (PostgreSQL),"
          + " --config (an mlsys.yaml's store: and registry:) and --actor (default: the OS user)."
    },
    subcommands = {
      RegistryRegisterCommand.class,
      RegistryListCommand.class,
      RegistryShowCommand.class,
      RegistryAliasCommand.class,
      RegistryApproveCommand.class,
      RegistryArchiveCommand.class,
      RegistryAuditCommand.class,
      RegistryGcCommand.class,
      RegistryImportCommand.class
    })
final class RegistryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }
}
