package io.mlsys.cli;

import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.BatchProgress;
import io.mlsys.batch.BatchReport;
import io.mlsys.batch.BatchRun;
import io.mlsys.batch.FailurePolicy;
import io.mlsys.batch.ModelSpec;
import io.mlsys.config.ConfigException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.registry.ModelRegistry;
import io.mlsys.registry.RegistryModelResolver;
import io.mlsys.registry.RegistryStores;
import io.mlsys.repository.ModelLoader;
import io.mlsys.repository.ModelRepository;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.repository.ModelsConfig;
import io.mlsys.repository.RepositoryListener;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mlsys batch run}: predicts the rows of a job file's source into its sink ({@code mlsys
 * batch run job.yaml}), or a CSV file's rows into a CSV file (the flag form).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs a job file (source, model, sink, reject, chunk-rows, failure-policy, checkpoint: see"
          + " docs/batch.md), or, with the options instead, predicts every row of a CSV file (fields in the model's input order; a header line is"
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

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "JOB",
      description = "A job file (job.yaml); without it, the options below say what to run.")
  Path job;

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

  @Option(names = "--model", paramLabel = "NAME", description = "The model to predict with.")
  String model;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "Its version (default: the model's default version).")
  String version;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "CSV",
      description = "Rows to predict.")
  Path input;

  @Option(
      names = {"-o", "--output"},
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
    if (job != null) {
      if (model != null
          || input != null
          || output != null
          || modelRepository != null
          || config != null) {
        throw new ConfigException(
            "JOB",
            job
                + " with --model, --input, --output or a model source (expected: one or the other)");
      }
      return runJob();
    }
    for (String[] required :
        new String[][] {{"--model", model}, {"--input", str(input)}, {"--output", str(output)}}) {
      if (required[1] == null) {
        throw new ConfigException(
            required[0], "missing (expected: a job file, or --model, --input and --output)");
      }
    }
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
      report(report, BatchRun.rejectsOf(output).toString());
      return 0;
    }
  }

  private static String str(Path path) {
    return path == null ? null : path.toString();
  }

  private void report(BatchReport report, String rejects) {
    spec.commandLine().getErr().println();
    report(spec.commandLine().getOut(), report, rejects);
  }

  /** The final report: rows, failures, rows/s, time. */
  static void report(PrintWriter out, BatchReport report, String rejects) {
    out.printf(
        Locale.ROOT,
        "%d rows: %d predicted, %d rejected%s in %.1f s (%.0f rows/s)%s%n",
        report.rows(),
        report.predicted(),
        report.rejected(),
        report.resumedAt() > 0 ? " (resumed after row " + report.resumedAt() + ")" : "",
        report.elapsed().toMillis() / 1000.0,
        report.rowsPerSecond(),
        report.rejected() > 0 ? "; rejects in " + rejects : "");
    out.flush();
  }

  private int runJob() throws Exception {
    BatchJob loaded = BatchJob.load(job, System.getenv());
    PrintWriter err = spec.commandLine().getErr();
    BatchReport report =
        runJob(loaded, new ProgressLine(err, System.console() != null), Clock.systemUTC());
    report(report, rejectsOf(loaded));
    return 0;
  }

  /** Runs a job in this process: its model loaded, run, closed. */
  static BatchReport runJob(BatchJob loaded, BatchProgress progress, Clock clock) throws Exception {
    try (JobModel resolved = JobModel.open(loaded.model(), clock)) {
      return new BatchRun(resolved.predictor, resolved.metadata, loaded.options(), clock)
          .run(
              loaded.source(),
              loaded.sink(),
              loaded.rejectSink(),
              loaded.checkpointFile(),
              progress);
    }
  }

  /** Where a job's rejects went, for the report. */
  static String rejectsOf(BatchJob loaded) {
    var rejects = loaded.rejectSink();
    return rejects.jdbc() != null
        ? rejects.jdbc().table()
        : String.valueOf(
            rejects.csv() != null
                ? rejects.csv()
                : rejects.jsonl() != null ? rejects.jsonl() : rejects.parquet());
  }

  /** A job's model, loaded in this process, and what to close after the run. */
  private static final class JobModel implements AutoCloseable {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    Predictor predictor;
    ModelMetadata metadata;

    static JobModel open(ModelSpec spec, Clock clock) throws Exception {
      JobModel model = new JobModel();
      try {
        model.load(spec, clock);
        return model;
      } catch (Exception | Error e) {
        model.close();
        throw e;
      }
    }

    private void load(ModelSpec spec, Clock clock) {
      MlsysConfig mlsys = spec.config() == null ? null : MlsysConfigLoader.load(spec.config());
      ModelsConfig sources =
          mlsys != null
              ? mlsys.modelSources()
              : ModelsConfig.defaults()
                  .withModelRepository(
                      spec.repository() == null
                          ? null
                          : ModelRepositoryConfig.of(
                              spec.repository().toAbsolutePath().normalize()));
      String name = spec.name();
      io.mlsys.repository.RegistryResolver resolver = io.mlsys.repository.RegistryResolver.NONE;
      if (spec.registry() != null) {
        // The registry of the mlsys.yaml's store (the default data folder without one).
        MlsysConfig base = mlsys != null ? mlsys : MlsysConfig.defaults();
        RegistryStores stores =
            RegistryStores.open(
                base.store(),
                base.resolvedDataDir(System.getenv(), System.getProperty("user.home")),
                clock);
        closeables.add(stores);
        ModelRegistry registry =
            new ModelRegistry(
                stores.registry(),
                stores.tracking(),
                stores.artifacts(),
                ModelLoader.installedRuntimes(),
                base.registry());
        closeables.add(registry);
        RegistryModelResolver registryResolver = new RegistryModelResolver(registry);
        resolver = registryResolver::resolve;
        name = spec.registry().split("[@/]", 2)[0];
        sources =
            sources.withModel(
                name, io.mlsys.repository.ModelConfig.defaults().withRegistry(spec.registry()));
      }
      ModelRepository repository =
          ModelRepository.create(
              sources,
              ModelLoader.installedRuntimes(),
              (loaded, source, modelConfig) -> loaded,
              RepositoryListener.NONE,
              System.getenv(),
              resolver);
      closeables.add(repository);
      if (spec.graph() != null) {
        repository.loadAll();
        Graphs graphs =
            Graphs.create(
                mlsys.graphs(), new Lookup(repository), GraphOptions.defaults().withClock(clock));
        closeables.add(graphs);
        if (!graphs.contains(spec.graph())) {
          throw new ConfigException(
              "model.graph",
              spec.graph()
                  + " (expected: a graph of "
                  + spec.config()
                  + ", one of "
                  + graphs.names()
                  + ")");
        }
        predictor = graphs.predictor(spec.graph());
        metadata = graphs.metadata(spec.graph());
        return;
      }
      repository.load(name);
      predictor = repository.predictor(name, spec.version());
      metadata = repository.metadata(name, spec.version());
    }

    @Override
    public void close() {
      RuntimeException first = null;
      for (int i = closeables.size() - 1; i >= 0; i--) {
        try {
          closeables.get(i).close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          first =
              first == null ? new IllegalStateException("closing the job's model: " + e, e) : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  /** The repository's models, as a graph calls them. */
  private record Lookup(ModelRepository repository) implements ModelLookup {
    @Override
    public Predictor predictor(String name, String version) {
      return repository.predictor(name, version);
    }

    @Override
    public ModelMetadata metadata(String name, String version) {
      return repository.metadata(name, version);
    }

    @Override
    public boolean isModelReady(String name, String version) {
      return repository.isModelReady(name, version);
    }

    @Override
    public boolean contains(String name) {
      try {
        return !repository.versions(name).isEmpty();
      } catch (ModelNotFoundException e) {
        return false;
      }
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
      if (fraction < 0) {
        // A query cannot tell how much is left: the rows so far, no bar.
        String line = String.format(Locale.ROOT, "%d rows, %d rejected", rowsDone, rejected);
        err.print(terminal ? "\r" + line : line + System.lineSeparator());
        err.flush();
        return;
      }
      int filled = (int) Math.round(Math.min(1, fraction) * WIDTH);
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
