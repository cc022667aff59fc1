package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mlsys registry gc}: delete artifacts no version refers to. */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description = "Deletes the artifacts no version (of any status) refers to any more.")
final class RegistryGcCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(), false)) {
      List<String> deleted = opened.collectGarbage();
      for (String digest : deleted) {
        out.println("deleted " + digest);
      }
      out.println(deleted.size() + " unreferenced artifact(s) deleted");
    }
    out.flush();
    return 0;
  }
}
