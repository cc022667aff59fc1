package io.mlsys.spark;

import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * Batch prediction on Spark: the rows of a CSV or Parquet input (fields in the model's input order)
 * predicted by a model of a model repository, written by Spark as CSV or Parquet part files with
 * the columns {@code mlsys batch run} writes ({@code row}, then the model's outputs).
 *
 * <p>The driver loads the model once to learn its inputs and, from one answer, its outputs (the
 * output schema). Rows are numbered in input order (as {@code zipWithIndex} does, with a cheaper
 * count), then each partition is predicted by a {@link PartitionPredictor}: its executor's model
 * ({@link ExecutorModels}, loaded by the executor's first task) called once per batch of rows.
 *
 * <p>{@link #main} is the entry point for {@code spark-submit --class io.mlsys.spark.SparkBatchJob}
 * and for {@code scripts/batch-spark.sh}, which runs Spark in local mode in a JVM of its own.
 */
public final class SparkBatchJob {
  /** The predictions as CSV lines: one text column. */
  private static final StructType LINE =
      DataTypes.createStructType(
          List.of(DataTypes.createStructField("value", DataTypes.StringType, false)));

  private final SparkSession spark;
  private final Clock clock;

  /**
   * @param spark the session the job runs in (local or a cluster's)
   * @param clock times the job for the report
   */
  public SparkBatchJob(SparkSession spark, Clock clock) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Predicts every row of the options' input into its output folder.
   *
   * @throws SparkBatchException when the rows do not fit the model or the model fails (a failing
   *     task's exception, unwrapped from Spark's)
   * @throws ConfigException when the model repository folder does not exist
   */
  public SparkBatchReport run(SparkBatchOptions options) {
    long started = clock.millis();
    ModelKey key = options.model();
    ExecutorModels.Loaded model = ExecutorModels.get(key);
    InputColumns inputs = InputColumns.of(model.metadata());
    InferResponse probe;
    try {
      probe = model.predictor().infer(inputs.probe(), CallContext.of(clock));
    } catch (RuntimeException e) {
      throw new SparkBatchException(
          "model "
              + key
              + " failed on a row of zeros, which the job asks to learn the outputs' columns ("
              + e.getMessage()
              + ")",
          e);
    }
    OutputColumns outputs = OutputColumns.of(probe, model.metadata());

    JavaRDD<Tuple2<Row, Long>> numbered = number(read(options, inputs));
    if (options.partitions() > 0) {
      numbered = numbered.repartition(options.partitions());
    }
    LongAccumulator predicted = spark.sparkContext().longAccumulator("rows predicted");
    boolean csv = options.outputFormat() == DataFormat.CSV;
    JavaRDD<Row> rows =
        numbered.mapPartitions(
            new PartitionPredictor(key, inputs, outputs, options.batchRows(), csv, predicted));
    try {
      // CSV as lines through the text writer (see PartitionPredictor), Parquet as typed columns.
      (csv
              ? spark.createDataFrame(rows, LINE).write().format("text")
              : spark
                  .createDataFrame(rows, outputs.schema())
                  .write()
                  .format(options.outputFormat().sparkName()))
          .mode(options.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
          .save(options.output());
    } catch (Exception e) {
      // Spark wraps a task's exception in its own (SparkException is checked in Java's terms).
      SparkBatchException cause = batchCause(e);
      if (cause != null) {
        throw cause;
      }
      if (e instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new SparkBatchException("the Spark job failed: " + e.getMessage(), e);
    }
    return new SparkBatchReport(predicted.value(), Duration.ofMillis(clock.millis() - started));
  }

  /**
   * The rows with their index in input order (from 0). As {@code zipWithIndex}, a first job counts
   * each partition's rows; it counts them with no column selected, which Spark's CSV reader does
   * without parsing fields (zipWithIndex's count parsed every row once more: a quarter of the task
   * threads' time in a profile). The same files give the same partitions whatever the columns.
   */
  private static JavaRDD<Tuple2<Row, Long>> number(Dataset<Row> rows) {
    List<Long> counts = rows.select().javaRDD().mapPartitions(new CountRows()).collect();
    long[] offsets = new long[counts.size()];
    for (int i = 1; i < offsets.length; i++) {
      offsets[i] = offsets[i - 1] + counts.get(i - 1);
    }
    JavaRDD<Row> parsed = rows.javaRDD();
    if (parsed.getNumPartitions() != offsets.length) {
      // Not expected: the count and the rows are read from the same files.
      throw new SparkBatchException(
          "the input was read as "
              + parsed.getNumPartitions()
              + " partitions to predict, "
              + offsets.length
              + " to count");
    }
    return parsed.mapPartitionsWithIndex(new NumberRows(offsets), true);
  }

  /** A partition's row count. */
  private static final class CountRows implements FlatMapFunction<Iterator<Row>, Long> {
    @Override
    public Iterator<Long> call(Iterator<Row> rows) {
      long count = 0;
      for (; rows.hasNext(); rows.next()) {
        count++;
      }
      return List.of(count).iterator();
    }
  }

  /** Pairs a partition's rows with their index in the input, from the partition's offset. */
  private record NumberRows(long[] offsets)
      implements Function2<Integer, Iterator<Row>, Iterator<Tuple2<Row, Long>>> {
    @Override
    public Iterator<Tuple2<Row, Long>> call(Integer partition, Iterator<Row> rows) {
      long first = offsets[partition];
      return new Iterator<>() {
        private long next = first;

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Tuple2<Row, Long> next() {
          return new Tuple2<>(rows.next(), next++);
        }
      };
    }
  }

  private Dataset<Row> read(SparkBatchOptions options, InputColumns inputs) {
    StructType schema = inputs.schema();
    return switch (options.inputFormat()) {
      case CSV ->
          spark
              .read()
              .schema(schema)
              .option("header", options.header())
              .option("mode", "FAILFAST")
              .csv(options.input());
      case PARQUET -> {
        // By position, as CSV fields: the first columns, cast to the inputs' types.
        Dataset<Row> parquet = spark.read().parquet(options.input());
        String[] names = parquet.columns();
        if (names.length < schema.size()) {
          throw new SparkBatchException(
              "input "
                  + options.input()
                  + ": "
                  + names.length
                  + " columns (expected: at least "
                  + schema.size()
                  + ", the model's inputs in order)");
        }
        List<Column> columns = new ArrayList<>(schema.size());
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
          columns.add(parquet.col(names[i]).cast(fields[i].dataType()).as(fields[i].name()));
        }
        yield parquet.select(columns.toArray(Column[]::new));
      }
    };
  }

  /** The {@link SparkBatchException} a failed task threw, found in the causes Spark wraps it in. */
  private static SparkBatchException batchCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SparkBatchException batch) {
        return batch;
      }
    }
    return null;
  }

  /**
   * Runs a job from the command line ({@link SparkBatchOptions#USAGE}) in the session spark-submit
   * configured, or in local mode on every core when no master is set. Exit codes: 0 done, 1 the job
   * failed, 2 invalid options.
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      out.print(SparkBatchOptions.USAGE);
      return 0;
    }
    SparkBatchOptions options;
    try {
      options = SparkBatchOptions.parse(args);
    } catch (ConfigException e) {
      err.println("mlsys-spark: " + e.getMessage());
      return 2;
    }
    SparkSession.Builder builder =
        SparkSession.builder().appName("mlsys batch " + options.model().model());
    // spark-submit passes its --master as this property; a plain java launch gets local mode.
    if (System.getProperty("spark.master") == null) {
      builder.master("local[*]");
    }
    SparkSession spark = builder.getOrCreate();
    try {
      SparkBatchReport report = new SparkBatchJob(spark, Clock.systemUTC()).run(options);
      out.printf(
          Locale.ROOT,
          "%d rows predicted in %.1f s (%.0f rows/s) into %s%n",
          report.rows(),
          report.elapsed().toMillis() / 1000.0,
          report.rowsPerSecond(),
          options.output());
      return 0;
    } catch (Exception e) {
      // The message says what and where (a bad row, a missing model, an existing output).
      err.println("mlsys-spark: " + e.getMessage());
      return 1;
    } finally {
      spark.stop();
    }
  }
}
