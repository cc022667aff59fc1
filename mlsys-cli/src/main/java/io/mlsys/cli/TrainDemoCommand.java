package io.mlsys.cli;

import io.mlsys.training.DemoModel;
import io.mlsys.training.IrisDemo;
import io.mlsys.training.IrisDemoConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys train-demo}: train the Iris demo and write it as one version of a repository. */
@Command(
    name = "train-demo",
    mixinStandardHelpOptions = true,
    description = {
      "Trains the Iris demo model in Java with Tribuo, exports it to ONNX and writes it into a"
          + " model repository as DIR/<name>/<version>/model.onnx (+ labels.json, config.yaml)."
    })
final class TrainDemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model-repository"},
      paramLabel = "DIR",
      required = true,
      description = "Model repository folder to write into.")
  Path repository;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      defaultValue = "iris",
      description = "Model name (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--model-version",
      paramLabel = "N",
      defaultValue = "1",
      description = "Version folder to write (default: ${DEFAULT-VALUE}).")
  int version;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Training seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    Path modelDir = train(repository, name, version, seed, spec.commandLine().getOut());
    spec.commandLine().getOut().println("  wrote " + modelDir.resolve(Integer.toString(version)));
    return 0;
  }

  /** Trains, prints the held-out metrics and writes the model; returns the model's folder. */
  static Path train(Path repository, String name, int version, long seed, PrintWriter out) {
    // Tribuo logs every training run at INFO; we print our own one-line summary instead.
    Logger.getLogger("org.tribuo").setLevel(Level.WARNING);
    out.printf("Training the Iris demo with Tribuo (logistic regression, seed %d)...%n", seed);
    DemoModel model = IrisDemo.train(IrisDemoConfig.defaults().withSeed(seed));
    out.println("  " + model.metrics().summary());
    out.flush();
    return IrisDemo.writeToRepository(
        model, repository.toAbsolutePath().normalize(), name, version);
  }
}
