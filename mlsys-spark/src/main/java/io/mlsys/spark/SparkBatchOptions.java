package io.mlsys.spark;

import io.mlsys.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a {@link SparkBatchJob} reads, predicts with and writes. Paths of the input and the output
 * are Spark's (a local path, {@code file:}, {@code hdfs:}, {@code s3a:}, ...); the model repository
 * is a local folder that the driver and every executor read.
 *
 * @param model the model and its repository
 * @param input the rows: a file or a folder of files, fields in the model's input order
 * @param inputFormat how the input is read
 * @param output the folder Spark writes the predictions to (part files)
 * @param outputFormat how the predictions are written
 * @param batchRows rows per model call, >= 1
 * @param header whether CSV input starts with a header line
 * @param partitions how many partitions the rows are spread over before they are predicted; 0 keeps
 *     the ones Spark read (one per file split)
 * @param overwrite whether an existing output folder is replaced; else the job refuses to start
 */
public record SparkBatchOptions(
    ModelKey model,
    String input,
    DataFormat inputFormat,
    String output,
    DataFormat outputFormat,
    int batchRows,
    boolean header,
    int partitions,
    boolean overwrite) {
  public static final int DEFAULT_BATCH_ROWS = 256;
  private static final int MAX_BATCH_ROWS = 1 << 20;

  /**
   * @throws ConfigException naming the first invalid option
   */
  public SparkBatchOptions {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(inputFormat, "inputFormat");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(outputFormat, "outputFormat");
    if (batchRows < 1 || batchRows > MAX_BATCH_ROWS) {
      throw new ConfigException(
          "--batch-rows", batchRows + " (expected: between 1 and " + MAX_BATCH_ROWS + ")");
    }
    if (partitions < 0) {
      throw new ConfigException("--partitions", partitions + " (expected: >= 0)");
    }
  }

  /** A job with the defaults: formats from the paths' extensions, no header, 256 rows a call. */
  public static SparkBatchOptions of(ModelKey model, String input, String output) {
    return new SparkBatchOptions(
        model,
        input,
        DataFormat.ofPath(input),
        output,
        DataFormat.ofPath(output),
        DEFAULT_BATCH_ROWS,
        false,
        0,
        false);
  }

  public SparkBatchOptions withBatchRows(int newBatchRows) {
    return new SparkBatchOptions(
        model,
        input,
        inputFormat,
        output,
        outputFormat,
        newBatchRows,
        header,
        partitions,
        overwrite);
  }

  public SparkBatchOptions withOutputFormat(DataFormat newOutputFormat) {
    return new SparkBatchOptions(
        model,
        input,
        inputFormat,
        output,
        newOutputFormat,
        batchRows,
        header,
        partitions,
        overwrite);
  }

  public SparkBatchOptions withPartitions(int newPartitions) {
    return new SparkBatchOptions(
        model,
        input,
        inputFormat,
        output,
        outputFormat,
        batchRows,
        header,
        newPartitions,
        overwrite);
  }

  public SparkBatchOptions withOverwrite(boolean newOverwrite) {
    return new SparkBatchOptions(
        model,
        input,
        inputFormat,
        output,
        outputFormat,
        batchRows,
        header,
        partitions,
        newOverwrite);
  }

  /** The options' usage, as {@link #parse} reads them. */
  static final String USAGE =
      """
      usage: SparkBatchJob --model-repository DIR --model NAME [--version V]
                           --input PATH [--input-format csv|parquet] [--header yes|no]
                           --output PATH [--output-format csv|parquet] [--overwrite]
                           [--batch-rows N] [--partitions N]
        --model-repository DIR  model repository folder (DIR/<model>/<version>/model.onnx), the
                                same path on the driver and every executor
        --model NAME, --version V  the model (default: its default version)
        --input PATH            rows, fields in the model's input order (a file or a folder)
        --input-format F        csv or parquet (default: from the extension, else csv)
        --header yes|no         whether CSV input starts with a header line (default: no)
        --output PATH           folder the predictions are written to, as part files
        --output-format F       csv or parquet (default: from the extension, else csv)
        --overwrite             replace an existing output folder (default: refuse to start)
        --batch-rows N          rows per model call (default: 256)
        --partitions N          spread the rows over N partitions first (default: as read)
      """;

  /**
   * Reads command-line options ({@code --name value}; {@code --overwrite} alone).
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
    boolean header = false;
    int partitions = 0;
    boolean overwrite = false;
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
    return new SparkBatchOptions(
        new ModelKey(
            required("--model-repository", repository), required("--model", model), version),
        required("--input", input),
        inputFormat == null
            ? DataFormat.ofPath(input)
            : DataFormat.parse("--input-format", inputFormat),
        required("--output", output),
        outputFormat == null
            ? DataFormat.ofPath(output)
            : DataFormat.parse("--output-format", outputFormat),
        batchRows,
        header,
        partitions,
        overwrite);
  }

  private static String required(String option, String value) {
    if (value == null || value.isBlank()) {
      throw new ConfigException(option, "missing (expected: " + option + " VALUE)");
    }
    return value;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ConfigException(option, value + " (expected: an integer)");
    }
  }
}
