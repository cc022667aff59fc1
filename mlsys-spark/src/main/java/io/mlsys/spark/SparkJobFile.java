package io.mlsys.spark;

import io.mlsys.batch.BatchJob;
import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.ModelSpec;
import io.mlsys.batch.SinkSpec;
import io.mlsys.batch.SourceSpec;
import io.mlsys.config.ConfigException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A job file of {@code mlsys batch run job.yaml} as a Spark job: read by mlsys-batch's {@link
 * BatchJob} (the same records, the same strict binding, {@code ${VAR}} and paths resolved against
 * the job file's folder), then mapped onto Spark's sources and sinks. What Spark cannot do fails
 * here, naming the key.
 *
 * <p>Keys with no meaning on Spark are accepted and left aside: {@code chunk-rows} and {@code
 * checkpoint} (a Spark job does not resume: its outputs are committed whole), and {@code schedule}
 * (read by {@code mlsys batch schedule}).
 */
final class SparkJobFile {
  private SparkJobFile() {}

  /**
   * @throws ConfigException listing the file's violations, or naming a key Spark cannot run
   */
  static SparkBatchOptions load(Path file, Map<String, String> environment) {
    return of(BatchJob.load(file, environment));
  }

  /**
   * @throws ConfigException naming a key Spark cannot run
   */
  static SparkBatchOptions of(BatchJob job) {
    ModelSpec model = job.model();
    String notOnSpark =
        " (not on Spark: each executor loads the model from a repository folder it can read;"
            + " expected: model.repository and model.name)";
    if (model.registry() != null) {
      throw new ConfigException("model.registry", model.registry() + notOnSpark);
    }
    if (model.graph() != null) {
      throw new ConfigException("model.graph", model.graph() + notOnSpark);
    }
    if (model.config() != null) {
      throw new ConfigException("model.config", model.config() + notOnSpark);
    }
    BatchOptions options = job.options();
    return new SparkBatchOptions(
        new ModelKey(model.repository().toString(), model.name(), model.version()),
        source(job.source()),
        sink(job.sink()),
        sink(job.rejectSink()),
        options.batchRows(),
        options.failures(),
        options.retries(),
        0,
        true);
  }

  private static SparkSource source(SourceSpec spec) {
    if (spec.csv() != null) {
      return new SparkSource(DataFormat.CSV, spec.csv().toString(), spec.header(), null, null);
    }
    if (spec.jsonl() != null) {
      return new SparkSource(DataFormat.JSONL, spec.jsonl().toString(), null, spec.columns(), null);
    }
    if (spec.parquet() != null) {
      return new SparkSource(
          DataFormat.PARQUET, spec.parquet().toString(), null, spec.columns(), null);
    }
    return new SparkSource(DataFormat.JDBC, null, null, spec.columns(), spec.jdbc());
  }

  private static SparkSink sink(SinkSpec spec) {
    if (spec.csv() != null) {
      return new SparkSink(DataFormat.CSV, spec.csv().toString(), null);
    }
    if (spec.jsonl() != null) {
      return new SparkSink(DataFormat.JSONL, spec.jsonl().toString(), null);
    }
    if (spec.parquet() != null) {
      return new SparkSink(DataFormat.PARQUET, spec.parquet().toString(), null);
    }
    return new SparkSink(DataFormat.JDBC, null, spec.jdbc());
  }
}
