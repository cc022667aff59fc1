package io.mlsys.cli;

import io.mlsys.registry.Approval;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryReference;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry approve MODEL/VERSION --alias ALIAS}: approve a version for an alias. */
@Command(
    name = "approve",
    mixinStandardHelpOptions = true,
    description = {
      "Approves MODEL/VERSION for ALIAS (aliases listed in registry.approval.aliases move only to"
          + " approved versions; with approver-must-differ, not by who registered it)."
    })
final class RegistryApproveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL/VERSION")
  String reference;

  @Option(names = "--alias", paramLabel = "ALIAS", required = true, description = "The alias.")
  String alias;

  @Option(names = "--comment", paramLabel = "TEXT", description = "Why, for the audit.")
  String comment;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    RegistryReference pinned = RegistryArchiveCommand.pinned(reference);
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      Approval approval =
          opened.approve(pinned.model(), pinned.version(), alias, registry.actor(), comment);
      out.println(
          "approved "
              + approval.model()
              + "/"
              + approval.version()
              + " for "
              + approval.alias()
              + " by "
              + approval.approver());
    }
    out.flush();
    return 0;
  }
}
