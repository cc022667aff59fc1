package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegisteredModel;
import io.mlsys.registry.RegistryReference;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry show}: a model, or a version with its lineage, card and profile. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a registered model (MODEL: description, owner, aliases, versions) or a version"
          + " (MODEL/VERSION or MODEL@ALIAS: status, artifact, signature, lineage, model card,"
          + " training-data profile, aliases)."
    })
final class RegistryShowCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL[/VERSION|@ALIAS]", description = "What to show.")
  String what;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      if (what.contains("/") || what.contains("@")) {
        ModelVersion version = opened.resolve(RegistryReference.parse(what, "MODEL/VERSION"));
        RegistryPrinter.version(out, version);
      } else {
        RegisteredModel model = opened.store().model(what);
        RegistryPrinter.model(out, model);
        out.println("  versions:");
        for (ModelVersion version : RegistryListCommand.versions(opened.store(), what)) {
          out.print("    ");
          RegistryPrinter.versionLine(out, version);
        }
      }
    }
    out.flush();
    return 0;
  }
}
