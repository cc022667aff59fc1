package io.mlsys.spark;

import io.mlsys.batch.BatchOptions;
import io.mlsys.batch.FailurePolicy;
import io.mlsys.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SparkBatchJob} reads, predicts with and writes: from a job file ({@link
 * SparkJobFile}, the format of {@code mlsys batch run job.yaml}) or from the flag form ({@link
 * #parse}). The model repository is a folder that the driver and every executor read.
 *
 * @param model the model and its repository
 * @param source the rows
 * @param sink where the predictions go
 * @param reject where rows that cannot be read, or that the model failed on under {@code
 *     failed-rows}, go with their error ({@code row, error, line})
 * @param batchRows rows per model call, >= 1
 * @param failures what a model failure on a batch does (as {@code mlsys batch run}: retry the
 *     batch, then fail; the rows one by one, rejecting the ones that fail; fail at once)
 * @param retries calls of a failing batch after the first (not for {@code none})
 * @param partitions how many partitions the rows are spread over; 0 keeps the ones Spark read (one
 *     per file split; for a table partitioned by its numeric order-by column, Spark's default
 *     parallelism)
 * @param overwrite whether existing file outputs are replaced (a job file's run always replaces
 *     them, as {@code mlsys batch run} empties its sinks); else the job refuses to start
 */
public record SparkBatchOptions(
    ModelKey model,
    SparkSource source,
    SparkSink sink,
    SparkSink reject,
    int batchRows,
    FailurePolicy failures,
    int retries,
    int partitions,
    boolean overwrite) {
  public static final int DEFAULT_BATCH_ROWS = BatchOptions.DEFAULT_BATCH_ROWS;
  private static final int MAX_BATCH_ROWS = 1 << 20;

  /**
   * @throws ConfigException naming the first invalid option
   */
  public SparkBatchOptions {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(reject, "reject");
    Objects.requireNonNull(failures, "failures");
    if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
      throw new ConfigException(
          "--batch-rows", batchRows + " (expected: between 1 and " + MAX_BATCH_ROWS + ")");
    }
    if (retries < 0) {
      throw new ConfigException("--retries", retries + " (expected: >= 0)");
    }
    if (partitions < 0) {
      throw new ConfigException("--partitions", partitions + " (expected: >= 0)");
    }
  }

  /**
   * A job with the defaults: formats from the paths' extensions, a CSV header recognized, 256 rows
   * a call, rejects beside the output, a failing batch tried {@value BatchOptions#DEFAULT_RETRIES}
   * more times.
   */
  public static SparkBatchOptions of(ModelKey model, String input, String output) {
    SparkSink sink = SparkSink.ofPath(output);
    return new SparkBatchOptions(
        model,
        SparkSource.ofPath(input, null),
        sink,
        sink.rejectsBeside(),
        DEFAULT_BATCH_ROWS,
        FailurePolicy.RETRY,
        BatchOptions.DEFAULT_RETRIES,
        0,
        false);
  }

  public SparkBatchOptions withBatchRows(int newBatchRows) {
    return new SparkBatchOptions(
        model, source, sink, reject, newBatchRows, failures, retries, partitions, overwrite);
  }

  public SparkBatchOptions withFailures(FailurePolicy newFailures, int newRetries) {
    return new SparkBatchOptions(
        model, source, sink, reject, batchRows, newFailures, newRetries, partitions, overwrite);
  }

  public SparkBatchOptions withPartitions(int newPartitions) {
    return new SparkBatchOptions(
        model, source, sink, reject, batchRows, failures, retries, newPartitions, overwrite);
  }

  public SparkBatchOptions withOverwrite(boolean newOverwrite) {
    return new SparkBatchOptions(
        model, source, sink, reject, batchRows, failures, retries, partitions, newOverwrite);
  }

  /** The options' usage, as {@link #parse} and {@link SparkBatchJob#main} read them. */
  static final String USAGE =
      """
      usage: SparkBatchJob JOB.yaml [--partitions N]
             SparkBatchJob --model-repository DIR --model NAME [--version V]
                           --input PATH [--input-format csv|jsonl|parquet] [--header yes|no]
                           --output PATH [--output-format csv|jsonl|parquet] [--overwrite]
                           [--batch-rows N] [--partitions N] [--on-failure retry|rows|none]
                           [--retries N]
        JOB.yaml                the job file of `mlsys batch run job.yaml` (docs/batch.md)
        --model-repository DIR  model repository folder (DIR/<model>/<version>/model.onnx), the
                                same path on the driver and every executor
        --model NAME, --version V  the model (default: its default version)
        --input PATH            rows, fields in the model's input order (a file or a folder)
        --input-format F        csv, jsonl or parquet (default: from the extension, else csv)
        --header yes|no         whether CSV input starts with a header line (default: recognized)
        --output PATH           folder the predictions are written to, as part files; rejected
                                rows go to PATH's stem + .rejects + its extension
        --output-format F       csv, jsonl or parquet (default: from the extension, else csv)
        --overwrite             replace an existing output folder (default: refuse to start)
        --batch-rows N          rows per model call (default: 256)
        --partitions N          spread the rows over N partitions (default: as read)
        --on-failure P          when the model fails on a batch: retry it, then stop (retry);
                                its rows one by one, rejecting the failing ones (rows); stop (none)
        --retries N             calls of a failing batch after the first (default: 2)
      """;

  /**
   * Reads the flag form's options ({@code --name value}; {@code --overwrite} alone).
   *
   * @throws ConfigException naming the option that is missing, unknown or invalid
   */
  static SparkBatchOptions parse(String[] args) {
    String repository = null;
    String model = null;
    String version = null;
    String input = null;
    String inputFormat = null;
    String output = null;
    String outputFormat = null;
    int batchRows = DEFAULT_BATCH_ROWS;
    Boolean header = null;
    int partitions = 0;
    boolean overwrite = false;
    FailurePolicy failures = FailurePolicy.RETRY;
    int retries = BatchOptions.DEFAULT_RETRIES;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String name = rest.removeFirst();
      if (name.equals("--overwrite")) {
        overwrite = true;
        continue;
      }
      if (!name.startsWith("--")) {
        throw new ConfigException(name, "not an option (expected: --name value)");
      }
      if (rest.isEmpty()) {
        throw new ConfigException(name, "no value (expected: " + name + " VALUE)");
      }
      String value = rest.removeFirst();
      switch (name) {
        case "--model-repository" -> repository = value;
        case "--model" -> model = value;
        case "--version" -> version = value;
        case "--input" -> input = value;
        case "--input-format" -> inputFormat = value;
        case "--output" -> output = value;
        case "--output-format" -> outputFormat = value;
        case "--batch-rows" -> batchRows = integer(name, value);
        case "--partitions" -> partitions = integer(name, value);
        case "--retries" -> retries = integer(name, value);
        case "--on-failure" ->
            failures =
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "retry" -> FailurePolicy.RETRY;
                  case "rows" -> FailurePolicy.ROWS;
                  case "none" -> FailurePolicy.NONE;
                  default ->
                      throw new ConfigException(name, value + " (expected: retry, rows or none)");
                };
        case "--header" ->
            header =
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "yes", "true" -> true;
                  case "no", "false" -> false;
                  default -> throw new ConfigException(name, value + " (expected: yes or no)");
                };
        default -> throw new ConfigException(name, "unknown option\n" + USAGE);
      }
    }
    ModelKey key =
        new ModelKey(
            required("--model-repository", repository), required("--model", model), version);
    required("--input", input);
    required("--output", output);
    SparkSink sink =
        new SparkSink(
            outputFormat == null
                ? DataFormat.ofPath(output)
                : DataFormat.parse("--output-format", outputFormat),
            output,
            null);
    return new SparkBatchOptions(
        key,
        new SparkSource(
            inputFormat == null
                ? DataFormat.ofPath(input)
                : DataFormat.parse("--input-format", inputFormat),
            input,
            header,
            null,
            null),
        sink,
        sink.rejectsBeside(),
        batchRows,
        failures,
        retries,
        partitions,
        overwrite);
  }

  private static String required(String option, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(option, "missing (expected: " + option + " VALUE)");
    }
    return value;
  }

  static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(option, value + " (expected: an integer)");
    }
  }
}
