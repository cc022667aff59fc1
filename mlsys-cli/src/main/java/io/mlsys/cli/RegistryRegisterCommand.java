package io.mlsys.cli;

import io.mlsys.core.InvalidInputException;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.ModelVersion;
import io.mlsys.registry.NewVersion;
import io.mlsys.registry.VersionName;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys registry register}: register a model file or folder as a new version. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Registers an ONNX model (a .onnx file, or a folder holding model.onnx and optionally"
          + " labels.json) as the next version of a registered model (created when absent): the"
          + " artifact is copied into the artifact store and loaded once to capture its"
          + " signature; a model that does not load is left FAILED_REGISTRATION and the command"
          + " fails."
    })
final class RegistryRegisterCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "NAME",
      required = true,
      description = "Registered model.")
  String model;

  @Option(
      names = "--source",
      paramLabel = "PATH",
      required = true,
      description = "A .onnx file or a folder holding model.onnx (and labels.json).")
  Path source;

  @Option(
      names = "--version-name",
      paramLabel = "X.Y.Z-D.S",
      description = "Version name release.interface.logic-data.split, e.g. 1.0.0-1.1.")
  String versionName;

  @Option(names = "--description", paramLabel = "TEXT", description = "The version's description.")
  String description;

  @Option(
      names = "--card",
      paramLabel = "FILE.yaml",
      description = "Model card: purpose, inputs (name, description, unit), owner, limitations.")
  Path card;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path file = source.toAbsolutePath().normalize();
    if (!Files.exists(file)) {
      throw new InvalidInputException("--source", "'" + source + "' does not exist");
    }
    NewVersion version =
        new NewVersion(
            model,
            file.toString(),
            description,
            versionName == null ? null : VersionName.parse(versionName, "--version-name"),
            null,
            card == null ? null : RegistryFiles.card(card),
            null,
            Map.of());
    // The CLI acts for its user: it may read the file it was given, and nothing else.
    Path root = Files.isDirectory(file) ? file : file.getParent();
    ModelVersion registered;
    try (ModelRegistry opened = registry.open(spec.commandLine().getErr(), List.of(root), true)) {
      registered = opened.register(version, registry.actor());
    }
    out.println(
        "registered "
            + registered.model()
            + "/"
            + registered.version()
            + (registered.versionName() == null ? "" : " (" + registered.versionName() + ")")
            + " "
            + registered.status()
            + ", artifact "
            + registered.artifactDigest());
    out.flush();
    return 0;
  }
}
