package io.mlsys.cli;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.RegistryReference;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry archive MODEL/VERSION}: archive a version (it stays readable). */
@Command(
    name = "archive",
    mixinStandardHelpOptions = true,
    description = {
      "Archives MODEL/VERSION: it stays readable but no alias may point to it. Refused while an"
          + " alias points to it or a server serves it."
    })
final class RegistryArchiveCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "MODEL/VERSION")
  String reference;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    RegistryReference pinned = pinned(reference);
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      ModelVersion archived =
          opened.store().archiveVersion(pinned.model(), pinned.version(), registry.actor());
      out.println("archived " + archived.model() + "/" + archived.version());
    }
    out.flush();
    return 0;
  }

  /** {@code MODEL/VERSION}, refusing an alias (the command acts on one fixed version). */
  static RegistryReference pinned(String text) {
    RegistryReference reference = RegistryReference.parse(text, "MODEL/VERSION");
    if (reference.followsAlias()) {
      throw new InvalidInputException(
          "MODEL/VERSION", "'" + text + "' names an alias (expected: a version, e.g. iris/3)");
    }
    return reference;
  }
}
