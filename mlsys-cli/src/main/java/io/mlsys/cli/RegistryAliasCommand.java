package io.mlsys.cli;

import io.mlsys.registry.AuditEntry;
import io.mlsys.registry.AuditQuery;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegisteredModel;
import java.io.PrintWriter;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry alias set|rm}: move or delete an alias. */
@Command(
    name = "alias",
    mixinStandardHelpOptions = true,
    description = "Moves (set) or deletes (rm) an alias of a model.",
    subcommands = {RegistryAliasCommand.Set.class, RegistryAliasCommand.Remove.class})
final class RegistryAliasCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return CliErrorHandler.EXIT_CONFIG;
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = {
        "Points ALIAS of MODEL at VERSION, atomically, when the alias's promotion rule (registry:"
            + " promotion in --config) and approval rule allow; the check and its numbers go"
            + " into the audit either way."
      })
  static final class Set implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "ALIAS")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION")
    long version;

    @Mixin RegistryOptions registry = new RegistryOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
        Long before = opened.store().model(model).aliases().get(alias);
        opened.setAlias(model, alias, version, registry.actor());
        String detail =
            opened.store().audit(new AuditQuery(model, 5, null)).items().stream()
                .filter(e -> alias.equals(e.alias()) && Objects.equals(e.version(), version))
                .map(AuditEntry::detail)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        out.println(
            "alias "
                + model
                + "@"
                + alias
                + ": "
                + (before == null ? "-" : before)
                + " -> "
                + version
                + (detail == null ? "" : " (" + detail + ")"));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Deletes ALIAS of MODEL.")
  static final class Remove implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL")
    String model;

    @Parameters(index = "1", paramLabel = "ALIAS")
    String alias;

    @Mixin RegistryOptions registry = new RegistryOptions();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
        RegisteredModel before = opened.store().model(model);
        opened.store().deleteAlias(model, alias, registry.actor());
        out.println(
            "alias " + model + "@" + alias + " deleted (was " + before.aliases().get(alias) + ")");
      }
      out.flush();
      return 0;
    }
  }
}
