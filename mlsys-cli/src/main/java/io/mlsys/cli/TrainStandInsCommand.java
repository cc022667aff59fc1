package io.mlsys.cli;

import io.mlsys.training.IrisDemoConfig;
import io.mlsys.training.StandInFixtures;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys train-stand-ins DIR}: Java-trained stand-ins for the shared fixtures' scikit-learn
 * models, so the examples run from a fresh clone.
 */
@Command(
    name = "train-stand-ins",
    mixinStandardHelpOptions = true,
    description = {
      "Trains, in Java with Tribuo, stand-ins for the scikit-learn Iris models of the shared"
          + " fixtures (same file and tensor names, other numbers) and writes them into"
          + " DIR/sklearn-iris. The examples use them when ../shared/fixtures is absent."
    })
final class TrainStandInsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "Folder to write into, laid out as the fixtures.")
  Path fixtures;

  @Override
  public Integer call() {
    // Tribuo logs every training run at INFO; the files written are the summary.
    Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
    for (Path file :
        StandInFixtures.write(fixtures.toAbsolutePath().normalize(), IrisDemoConfig.defaults())) {
      spec.commandLine().getOut().println("  wrote " + file);
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
