package io.mlsys.cli;

import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RepositoryImporter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mlsys registry import DIR}: take a Triton/KServe model repository into the registry. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Imports a Triton/KServe model repository folder (DIR/<name>/<n>/model.onnx, optional"
          + " DIR/<name>/config.yaml or config.pbtxt naming labels): one registered model per"
          + " folder, one version per numeric version folder, in ascending order. Versions whose"
          + " artifact is already registered for that model are skipped, so importing again"
          + " imports only what is new."
    })
final class RegistryImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The model repository folder.")
  Path dir;

  @Mixin RegistryOptions registry = new RegistryOptions();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path repository = dir.toAbsolutePath().normalize();
    Path staging = Files.createTempDirectory("mlsys-import-");
    List<RepositoryImporter.Outcome> outcomes;
    try (ModelRegistry opened =
        registry.open(spec.commandLine().getErr(), List.of(repository, staging), true)) {
      outcomes =
          new RepositoryImporter(opened, staging)
              .importRepository(repository, registry.actor(), outcome -> print(out, outcome));
    } finally {
      delete(staging);
    }
    long imported = count(outcomes, RepositoryImporter.Status.IMPORTED);
    long already = count(outcomes, RepositoryImporter.Status.ALREADY_IMPORTED);
    long failed = count(outcomes, RepositoryImporter.Status.FAILED);
    out.printf(
        "%d version(s) imported, %d already imported, %d skipped, %d failed%n",
        imported, already, count(outcomes, RepositoryImporter.Status.SKIPPED), failed);
    out.flush();
    return failed == 0 ? 0 : CliErrorHandler.EXIT_FAILURE;
  }

  private static void print(PrintWriter out, RepositoryImporter.Outcome outcome) {
    String where =
        outcome.model() + (outcome.folderVersion() == null ? "" : "/" + outcome.folderVersion());
    String line =
        switch (outcome.status()) {
          case IMPORTED ->
              "imported "
                  + where
                  + " as "
                  + outcome.version().model()
                  + "/"
                  + outcome.version().version()
                  + " ("
                  + outcome.detail()
                  + ")";
          case ALREADY_IMPORTED ->
              "already imported "
                  + where
                  + " as "
                  + outcome.version().model()
                  + "/"
                  + outcome.version().version();
          case SKIPPED -> "skipped " + where + ": " + outcome.detail();
          case FAILED -> "FAILED " + where + ": " + outcome.detail();
        };
    out.println(line);
    out.flush();
  }

  private static long count(
      List<RepositoryImporter.Outcome> outcomes, RepositoryImporter.Status status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }

  private static void delete(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the staging folder " + folder, e);
    }
  }
}
