package io.mlsys.spark;

import io.mlsys.batch.JdbcTable;
import java.util.List;
import java.util.Objects;

/**
 * Where a Spark job's rows come from: a file or folder Spark reads (CSV, JSONL, Parquet), or a
 * database table or query (JDBC).
 *
 * @param format how the rows are read
 * @param path the file or folder (any path Spark reads: a local path, {@code hdfs:}, {@code s3a:}
 *     ...); null for JDBC
 * @param header CSV only: whether the first line is a header; null recognizes it (a field that must
 *     be a number is not)
 * @param columns the columns (JSONL object keys, Parquet or table columns) that fill the model's
 *     inputs, in order; null takes every column in its order
 * @param jdbc the table or query, for JDBC
 */
public record SparkSource(
    DataFormat format, String path, Boolean header, List<String> columns, JdbcTable jdbc) {
  public SparkSource {
    Objects.requireNonNull(format, "format");
    columns = columns == null ? null : List.copyOf(columns);
    if ((format == DataFormat.JDBC) != (jdbc != null) || (jdbc == null) == (path == null)) {
      throw new IllegalArgumentException("a path for a file format, a table for jdbc: " + format);
    }
  }

  /** A file or folder of the format its extension names. */
  public static SparkSource ofPath(String path, Boolean header) {
    return new SparkSource(DataFormat.ofPath(path), path, header, null, null);
  }

  /** Where it is, for messages (no password). */
  String describe() {
    return jdbc != null
        ? jdbc.url() + (jdbc.table() != null ? " table " + jdbc.table() : " query")
        : path;
  }
}
