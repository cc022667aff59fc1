package io.mlsys.cli;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchRun;
import io.mlsys.batch.FailurePolicy;
import io.mlsys.config.ConfigException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.repository.ModelsConfig;
import io.mlsys.repository.RepositoryListener;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mlsys batch run}: predicts a CSV file's rows into a CSV file. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Predicts every row of a CSV file (fields in the model's input order; a header line is"
          + " recognized, or set by --header) with a model of a repository folder or an"
          + " mlsys.yaml, loaded in this process. The output has a header, then per input row its"
          + " row number and the model's outputs; it grows as chunks complete. Rows that cannot be"
          + " read, or that the model fails on under --on-failure rows, go to"
          + " <output>.rejects.csv with the reason.",
      "A checkpoint after every chunk (<output>.checkpoint) lets the same command, run again"
          + " after a kill or a failure, resume where the last chunk ended: each row ends up in"
          + " the output once."
    })
final class BatchRunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-m", "--model-repository"},
      paramLabel = "DIR",
      description = "Model repository folder (DIR/<model>/<version>/model.onnx).")
  Path modelRepository;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "An mlsys.yaml whose models (model-repository, onnx, models) to use.")
  Path config;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "NAME",
      description = "The model to predict with.")
  String model;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "Its version (default: the model's default version).")
  String version;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "CSV",
      description = "Rows to predict.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "CSV",
      description = "Where the predictions go.")
  Path output;

  @Option(
      names = "--chunk-rows",
      paramLabel = "N",
      defaultValue = "" + BatchOptions.DEFAULT_CHUNK_ROWS,
      description = "Rows per chunk; a checkpoint follows each (default: ${DEFAULT-VALUE}).")
  int chunkRows;

  @Option(
      names = "--batch-rows",
      paramLabel = "N",
      defaultValue = "" + BatchOptions.DEFAULT_BATCH_ROWS,
      description = "Rows per model call (default: ${DEFAULT-VALUE}).")
  int batchRows;

  @Option(
      names = "--on-failure",
      paramLabel = "POLICY",
      defaultValue = "retry",
      description =
          "When the model fails on a batch: retry (try again, then stop; the same command"
              + " resumes), rows (predict its rows one by one, reject the failing ones), none"
              + " (stop at once). Default: ${DEFAULT-VALUE}.")
  String onFailure;

  @Option(
      names = "--retries",
      paramLabel = "N",
      defaultValue = "" + BatchOptions.DEFAULT_RETRIES,
      description = "Attempts after the first (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(
      names = "--header",
      paramLabel = "yes|no",
      description = "Whether the first line is a header (default: recognized by its fields).")
  String header;

  @Override
  public Integer call() throws Exception {
    Logger.getLogger("io.mlsys.repository").setLevel(Level.WARNING);
    BatchOptions options = options();
    ModelsConfig models = models();
    PrintWriter err = spec.commandLine().getErr();
    try (ModelRepository repository =
        ModelRepository.create(models, ModelLoader.installedRuntimes(), RepositoryListener.NONE)) {
      repository.load(model);
      Predictor predictor = repository.predictor(model, version);
      ModelMetadata metadata = repository.metadata(model, version);
      BatchProgress progress = new ProgressLine(err, System.console() != null);
      BatchReport report =
          new BatchRun(predictor, metadata, options, Clock.systemUTC())
              .run(input, output, progress);
      err.println();
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "%d rows: %d predicted, %d rejected%s in %.1f s (%.0f rows/s)%s%n",
          report.rows(),
          report.predicted(),
          report.rejected(),
          report.resumedAt() > 0 ? " (resumed after row " + report.resumedAt() + ")" : "",
          report.elapsed().toMillis() / 1000.0,
          report.rowsPerSecond(),
          report.rejected() > 0 ? "; rejects in " + BatchRun.rejectsOf(output) : "");
      out.flush();
      return 0;
    }
  }

  private BatchOptions options() {
    FailurePolicy failures;
    try {
      failures = FailurePolicy.valueOf(onFailure.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--on-failure", onFailure + " (expected: retry, rows or none)");
    }
    Boolean hasHeader =
        header == null
            ? null
            : switch (header.toLowerCase(Locale.ROOT)) {
              case "yes", "true" -> true;
              case "no", "false" -> false;
              default -> throw new ConfigException("--header", header + " (expected: yes or no)");
            };
    try {
      return new BatchOptions(chunkRows, batchRows, failures, retries, hasHeader);
    } catch (IllegalArgumentException e) {
      // "chunk-rows: 0 (expected: >= 1)": the option's name, then the problem.
      String[] parts = e.getMessage().split(": ", 2);
      throw new ConfigException("--" + parts[0], parts.length > 1 ? parts[1] : e.getMessage());
    }
  }

  private ModelsConfig models() {
    if ((modelRepository == null) == (config == null)) {
      throw new ConfigException(
          "--model-repository", "expected exactly one of --model-repository DIR and --config FILE");
    }
    if (config != null) {
      return MlsysConfigLoader.load(config).modelSources();
    }
    return ModelsConfig.defaults()
        .withModelRepository(
            ModelRepositoryConfig.of(modelRepository.toAbsolutePath().normalize()));
  }

  /** One line on the terminal, rewritten after every chunk; a line per chunk otherwise. */
  private record ProgressLine(PrintWriter err, boolean terminal) implements BatchProgress {
    private static final int WIDTH = 30;

    @Override
    public void chunkDone(long rowsDone, long predicted, long rejected, double fraction) {
      int filled = (int) Math.round(fraction * WIDTH);
      String line =
          String.format(
              Locale.ROOT,
              "[%s%s] %3.0f%%  %d rows, %d rejected",
              "#".repeat(filled),
              " ".repeat(WIDTH - filled),
              fraction * 100,
              rowsDone,
              rejected);
      err.print(terminal ? "\r" + line : line + System.lineSeparator());
      err.flush();
    }
  }
}
