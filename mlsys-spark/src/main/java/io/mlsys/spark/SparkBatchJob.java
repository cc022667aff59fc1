package io.mlsys.spark;

import io.mlsys.batch.FailurePolicy;
import io.mlsys.batch.JdbcTable;
import io.mlsys.batch.RowCodec;
import io.mlsys.batch.RowLines;
import io.mlsys.batch.RowSource;
import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Batch prediction on Spark: the job of {@code mlsys batch run} (a job file, or the flag form) run
 * by Spark. The rows of a CSV, JSONL or Parquet input or of a database table or query, predicted by
 * a model of a model repository, written by Spark as CSV, JSONL or Parquet part files or into a
 * table, with the columns {@code mlsys batch run} writes ({@code row}, then the model's outputs);
 * rows that cannot be read, or that the model fails on under {@code failed-rows}, go to the reject
 * output with their error.
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
   * Predicts every row of the options' source into its sink, the rejected rows into the reject
   * output.
   *
   * @throws SparkBatchException when the model fails as the policy does not allow, or the model's
   *     signature cannot be filled from rows (a failing task's exception, unwrapped from Spark's)
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

    Read read = read(options.source(), RowCodec.of(model.metadata()), options.partitions());
    JavaRDD<Tuple2<Row, Long>> numbered = number(read.rows());
    if (options.partitions() > 0 && !read.partitioned()) {
      numbered = numbered.repartition(options.partitions());
    }
    PartitionPredictor.Policy policy =
        new PartitionPredictor.Policy(
            options.failures(),
            options.failures() == FailurePolicy.NONE ? 1 : options.retries() + 1,
            spark.sparkContext().longAccumulator("rows predicted"),
            spark.sparkContext().longAccumulator("rows rejected"),
            spark.sparkContext().longAccumulator("rows the model failed on"));
    boolean csv = options.sink().format() == DataFormat.CSV;
    JavaRDD<Row> predictions =
        numbered.mapPartitions(
            new PartitionPredictor(
                key,
                read.reader(),
                outputs,
                options.batchRows(),
                csv,
                PartitionPredictor.Pass.PREDICT,
                true,
                policy));
    failing(
        () ->
            write(predictions, csv ? LINE : outputs.schema(), options.sink(), options.overwrite()));
    long rejected = policy.rejected().value();
    if (rejected > 0) {
      // A second pass over the same rows emits the rejected ones: rejects are rare, and
      // keeping every predicted row to split the output in one pass would cost the common case.
      boolean rejectCsv = options.reject().format() == DataFormat.CSV;
      JavaRDD<Row> rejects =
          numbered.mapPartitions(
              new PartitionPredictor(
                  key,
                  read.reader(),
                  outputs,
                  options.batchRows(),
                  rejectCsv,
                  PartitionPredictor.Pass.REJECT,
                  policy.modelRejected().value() > 0,
                  policy));
      failing(
          () -> write(rejects, rejectCsv ? LINE : OutputColumns.REJECTS, options.reject(), true));
    } else {
      clear(options.reject());
    }
    return new SparkBatchReport(
        policy.predicted().value(), rejected, Duration.ofMillis(clock.millis() - started));
  }

  /** Runs a Spark action, throwing a failed task's {@link SparkBatchException} as it is. */
  private static void failing(Runnable action) {
    try {
      action.run();
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
  }

  private void write(JavaRDD<Row> rows, StructType schema, SparkSink sink, boolean overwrite) {
    Dataset<Row> frame = spark.createDataFrame(rows, schema);
    if (sink.format() == DataFormat.JDBC) {
      writeTable(frame, sink.jdbc());
      return;
    }
    frame
        .write()
        .format(
            switch (sink.format()) {
              // CSV as lines through the text writer (see PartitionPredictor).
              case CSV -> "text";
              case JSONL -> "json";
              case PARQUET, JDBC -> "parquet";
            })
        .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
        .save(sink.path());
  }

  /**
   * Into a table as {@code mlsys batch run} writes one: created when absent with its column types
   * ({@code "row" BIGINT PRIMARY KEY}, then {@code DOUBLE PRECISION}, {@code BIGINT}, {@code
   * BOOLEAN} or {@code TEXT} per column) and emptied first, by the driver; then Spark appends, each
   * task inserting its rows in batches in a transaction of its own. (Spark's own create and
   * truncate would drop the primary key, and on SQLite, which Spark has no dialect for, its check
   * that a table exists fails instead of answering no.)
   */
  private static void writeTable(Dataset<Row> frame, JdbcTable table) {
    List<Column> columns = new ArrayList<>();
    List<String> definitions = new ArrayList<>();
    for (StructField field : frame.schema().fields()) {
      Column column = frame.col(quoted(field.name()));
      boolean real =
          field.dataType() == DataTypes.FloatType || field.dataType() == DataTypes.DoubleType;
      columns.add(real ? column.cast(DataTypes.DoubleType).as(field.name()) : column);
      String type =
          real
              ? "DOUBLE PRECISION"
              : field.dataType() == DataTypes.LongType
                  ? "BIGINT"
                  : field.dataType() == DataTypes.BooleanType ? "BOOLEAN" : "TEXT";
      String name = '"' + field.name().replace("\"", "\"\"") + '"';
      definitions.add(
          name + " " + type + (field.name().equals(OutputColumns.ROW) ? " PRIMARY KEY" : ""));
    }
    java.util.Properties properties = new java.util.Properties();
    java.util.Map<String, String> connection = connection(table);
    connection.forEach(properties::setProperty);
    properties.remove("url");
    try (java.sql.Connection sql = java.sql.DriverManager.getConnection(table.url(), properties);
        java.sql.Statement statement = sql.createStatement()) {
      statement.execute(
          "CREATE TABLE IF NOT EXISTS "
              + table.table()
              + " ("
              + String.join(", ", definitions)
              + ")");
      statement.execute("DELETE FROM " + table.table());
    } catch (java.sql.SQLException e) {
      throw new SparkBatchException(
          "table " + table.table() + " of " + table.url() + ": " + e.getMessage(), e);
    }
    DataFrameWriter<Row> writer =
        frame
            .select(columns.toArray(Column[]::new))
            .write()
            .format("jdbc")
            .mode(SaveMode.Append)
            .option("dbtable", table.table());
    for (var option : connection.entrySet()) {
      writer = writer.option(option.getKey(), option.getValue());
    }
    writer.save();
  }

  /**
   * Leaves no reject output of an earlier run beside a run without rejects: deletes the folder, or
   * empties the table (created when absent).
   */
  private void clear(SparkSink reject) {
    if (reject.format() == DataFormat.JDBC) {
      failing(
          () ->
              writeTable(
                  spark.createDataFrame(List.<Row>of(), OutputColumns.REJECTS), reject.jdbc()));
      return;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(reject.path());
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (IOException e) {
      throw new SparkBatchException(
          "reject output " + reject.path() + ": not deleted (" + e.getMessage() + ")", e);
    }
  }

  /** A column name for {@link Dataset#col}, which reads dots and brackets as paths otherwise. */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The JDBC options of a table: URL, user, password, and SQLite's waiting for a writer. */
  private static java.util.Map<String, String> connection(JdbcTable table) {
    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    options.put("url", table.url());
    if (table.user() != null) {
      options.put("user", table.user());
    }
    if (table.password() != null) {
      options.put("password", table.password());
    }
    if (table.url().startsWith("jdbc:sqlite:")) {
      // As mlsys batch run: WAL, and a busy timeout that waits out another writer (Spark's tasks
      // write a table at the same time) instead of failing at once.
      options.put("journal_mode", "WAL");
      options.put("busy_timeout", "10000");
    }
    return options;
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

  /**
   * The rows Spark reads and how a task turns one into fields.
   *
   * @param partitioned whether the read itself spread the rows over the partitions asked for (a
   *     table read in ranges of its order-by column)
   */
  private record Read(Dataset<Row> rows, RowReader reader, boolean partitioned) {}

  /**
   * Reads the source: CSV and JSONL as text lines (a line a row, split in the task as {@code mlsys
   * batch run} splits it; empty lines skipped, a CSV header dropped), Parquet and tables as typed
   * columns ({@code columns} picked).
   */
  private Read read(SparkSource source, RowCodec codec, int partitions) {
    return switch (source.format()) {
      case CSV -> {
        Dataset<Row> lines =
            spark.read().text(source.path()).filter(functions.length(functions.col("value")).gt(0));
        List<Row> first = lines.limit(1).collectAsList();
        if (!first.isEmpty()) {
          String line = first.getFirst().getString(0);
          RowSource.Row fields = RowLines.csv(line);
          boolean header =
              source.header() != null
                  ? source.header()
                  : fields.fields() != null && codec.looksLikeHeader(fields.fields());
          if (header) {
            // Every line equal to the header is dropped, as Spark's CSV reader drops the header
            // of each file of a folder.
            lines = lines.filter(functions.col("value").notEqual(functions.lit(line)));
          }
        }
        yield new Read(lines, new RowReader(DataFormat.CSV, null), false);
      }
      case JSONL ->
          new Read(
              spark
                  .read()
                  .text(source.path())
                  .filter(functions.length(functions.trim(functions.col("value"))).gt(0)),
              new RowReader(DataFormat.JSONL, source.columns()),
              false);
      case PARQUET ->
          new Read(
              pick(spark.read().parquet(source.path()), source.columns()),
              new RowReader(DataFormat.PARQUET, null),
              false);
      case JDBC -> readTable(source.jdbc(), source.columns(), partitions);
    };
  }

  /**
   * A table or query through Spark's JDBC source, in the order {@code mlsys batch run} reads it. A
   * table whose {@code order-by} is one integer column, ascending, is read in ranges of it, a
   * partition per range ({@code --partitions}, else Spark's default parallelism), each sorted by
   * it: the partitions in order are the rows in order. Any other table or a query is one partition,
   * read with its order.
   */
  private Read readTable(JdbcTable table, List<String> columns, int partitions) {
    Dataset<Row> rows;
    boolean partitioned = false;
    if (table.query() != null) {
      rows = jdbc(table).option("query", table.query()).load();
    } else if (table.orderBy() == null) {
      rows = jdbc(table).option("dbtable", table.table()).load();
    } else {
      String order = table.orderBy().strip();
      String column =
          order.toLowerCase(Locale.ROOT).endsWith(" asc")
              ? order.substring(0, order.length() - 4).strip()
              : order;
      int n = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
      Row bounds = null;
      if (n > 1 && column.matches("[A-Za-z_][A-Za-z0-9_]*") && integral(table, column)) {
        bounds =
            jdbc(table)
                .option(
                    "query",
                    "SELECT MIN("
                        + column
                        + ") AS lo, MAX("
                        + column
                        + ") AS hi FROM "
                        + table.table())
                .load()
                .first();
      }
      if (bounds != null && !bounds.isNullAt(0)) {
        rows =
            jdbc(table)
                .option("dbtable", table.table())
                .option("partitionColumn", column)
                .option("lowerBound", ((Number) bounds.get(0)).longValue())
                .option("upperBound", ((Number) bounds.get(1)).longValue() + 1)
                .option("numPartitions", n)
                .load();
        rows = rows.sortWithinPartitions(rows.col(quoted(column)));
        partitioned = true;
      } else {
        rows =
            jdbc(table)
                .option("query", "SELECT * FROM " + table.table() + " ORDER BY " + order)
                .load();
      }
    }
    return new Read(pick(rows, columns), new RowReader(DataFormat.JDBC, null), partitioned);
  }

  /** Whether the table's column is an integer (what Spark partitions a read by here). */
  private boolean integral(JdbcTable table, String column) {
    for (StructField field :
        jdbc(table).option("dbtable", table.table()).load().schema().fields()) {
      if (field.name().equalsIgnoreCase(column)) {
        var type = field.dataType();
        return type == DataTypes.LongType
            || type == DataTypes.IntegerType
            || type == DataTypes.ShortType
            || type == DataTypes.ByteType
            || type instanceof DecimalType decimal && decimal.scale() == 0;
      }
    }
    return false;
  }

  private DataFrameReader jdbc(JdbcTable table) {
    DataFrameReader reader =
        spark.read().format("jdbc").option("fetchsize", 2_000).options(connection(table));
    return reader;
  }

  private static Dataset<Row> pick(Dataset<Row> rows, List<String> columns) {
    if (columns == null) {
      return rows;
    }
    return rows.select(columns.stream().map(c -> rows.col(quoted(c))).toArray(Column[]::new));
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
   * Runs a job from the command line ({@link SparkBatchOptions#USAGE}: a job file, or the flag
   * form) in the session spark-submit configured, or in local mode on every core when no master is
   * set. Exit codes: 0 done, 1 the job failed, 2 invalid options or job file.
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
      options = options(args);
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
          "%d rows predicted, %d rejected in %.1f s (%.0f rows/s) into %s%s%n",
          report.rows(),
          report.rejected(),
          report.elapsed().toMillis() / 1000.0,
          report.rowsPerSecond(),
          options.sink().describe(),
          report.rejected() > 0 ? ", rejects into " + options.reject().describe() : "");
      return 0;
    } catch (Exception e) {
      // The message says what and where (a failing model and its rows, a missing model, an
      // existing output).
      err.println("mlsys-spark: " + e.getMessage());
      return 1;
    } finally {
      spark.stop();
    }
  }

  /** A job file ({@code JOB.yaml [--partitions N]}) or the flag form. */
  static SparkBatchOptions options(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      return SparkBatchOptions.parse(args);
    }
    SparkBatchOptions options = SparkJobFile.load(Path.of(args[0]), System.getenv());
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    if (rest.size() == 2 && rest.get(0).equals("--partitions")) {
      return options.withPartitions(SparkBatchOptions.integer("--partitions", rest.get(1)));
    }
    if (!rest.isEmpty()) {
      throw new ConfigException(
          rest.get(0), "not an option with a job file (expected: JOB.yaml [--partitions N])");
    }
    return options;
  }
}
