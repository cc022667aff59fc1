package io.mlsys.batch;

import io.mlsys.config.ConfigBinder;
import io.mlsys.config.ConfigDocument;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;
import java.util.Map;

/**
 * A batch prediction job, as a job file ({@code mlsys batch run job.yaml}) declares it. Bound
 * strictly: an unknown key fails the load with its path.
 *
 * <pre>{@code
 * source: { csv: rows.csv }
 * model: { repository: ./models, name: iris }
 * sink: { jdbc: { url: jdbc:postgresql://127.0.0.1:5432/test, table: iris_predictions } }
 * reject: { csv: rejects.csv }
 * chunk-rows: 10000
 * failure-policy: { retry: failed-rows, attempts: 2 }
 * schedule: { cron: "0 2 * * *" }
 * }</pre>
 *
 * @param source where the rows come from
 * @param model what predicts them
 * @param sink where the predictions go
 * @param reject where unreadable and failed rows go, with their error; null: beside the sink
 *     ({@code <sink>.rejects.<ext>}, or the table {@code <table>_rejects})
 * @param chunkRows rows per chunk, each followed by a checkpoint; default {@value
 *     BatchOptions#DEFAULT_CHUNK_ROWS}
 * @param batchRows rows per model call, at most {@code chunk-rows}; default {@value
 *     BatchOptions#DEFAULT_BATCH_ROWS}
 * @param failurePolicy what a model failure does
 * @param checkpoint the checkpoint file; null: {@code <sink>.checkpoint} beside a file sink, {@code
 *     <job file>.checkpoint} beside the job file for a table sink
 * @param schedule when the job runs on its own ({@code mlsys batch schedule}, {@code mlsys serve});
 *     null: only when run
 */
public record BatchJob(
    SourceSpec source,
    ModelSpec model,
    SinkSpec sink,
    SinkSpec reject,
    Integer chunkRows,
    Integer batchRows,
    FailureSpec failurePolicy,
    Path checkpoint,
    ScheduleSpec schedule) {

  /**
   * @throws ConfigException listing every invalid field
   */
  public BatchJob {
    chunkRows = chunkRows == null ? BatchOptions.DEFAULT_CHUNK_ROWS : chunkRows;
    batchRows =
        batchRows == null ? Math.min(BatchOptions.DEFAULT_BATCH_ROWS, chunkRows) : batchRows;
    failurePolicy = failurePolicy == null ? new FailureSpec(null, null) : failurePolicy;
    Violations violations = new Violations();
    violations.present("source", source, "a source: csv, jsonl, parquet or jdbc");
    violations.present("model", model, "a model: repository and name, config, or registry");
    violations.present("sink", sink, "a sink: csv, jsonl, parquet or jdbc");
    violations.check(chunkRows >= 1, "chunk-rows", chunkRows, ">= 1");
    violations.check(
        batchRows >= 1 && batchRows <= chunkRows,
        "batch-rows",
        batchRows,
        "between 1 and chunk-rows (" + chunkRows + ")");
    violations.throwIfAny(null);
  }

  /**
   * Reads a job file; {@code ${VAR}} takes the environment's value, paths resolve against the
   * file's folder.
   *
   * @throws ConfigException listing every violation, each with its key path
   */
  public static BatchJob load(Path file, Map<String, String> environment) {
    BatchJob job = ConfigBinder.bind(ConfigDocument.read(file, environment), BatchJob.class);
    return job.checkpoint != null || job.sink.path() != null
        ? job
        : job.withCheckpoint(defaultCheckpointOf(file));
  }

  private static Path defaultCheckpointOf(Path jobFile) {
    String name = jobFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return jobFile
        .toAbsolutePath()
        .resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".checkpoint");
  }

  public BatchJob withCheckpoint(Path newCheckpoint) {
    return new BatchJob(
        source, model, sink, reject, chunkRows, batchRows, failurePolicy, newCheckpoint, schedule);
  }

  /** The reject sink: as given, or the sink's default. */
  public SinkSpec rejectSink() {
    return reject != null ? reject : sink.defaultRejects();
  }

  /** The checkpoint file: as given, or the sink's default. */
  public Path checkpointFile() {
    return checkpoint != null ? checkpoint : sink.defaultCheckpoint();
  }

  /** The options of a run of this job. */
  public BatchOptions options() {
    return new BatchOptions(
        chunkRows,
        batchRows,
        failurePolicy.policy(),
        failurePolicy.attempts() - 1,
        source.header());
  }
}
