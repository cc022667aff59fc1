package io.mlsys.spark;

import io.mlsys.batch.JdbcTable;
import java.util.Objects;

/**
 * Where a Spark job writes its predictions or its rejects: a folder of part files (CSV, JSONL,
 * Parquet) or a database table (JDBC).
 *
 * @param format how the rows are written
 * @param path the folder Spark writes part files to; null for JDBC
 * @param jdbc the table, for JDBC
 */
public record SparkSink(DataFormat format, String path, JdbcTable jdbc) {
  public SparkSink {
    Objects.requireNonNull(format, "format");
    if ((format == DataFormat.JDBC) != (jdbc != null) || (jdbc == null) == (path == null)) {
      throw new IllegalArgumentException("a path for a file format, a table for jdbc: " + format);
    }
    if (jdbc != null && jdbc.table() == null) {
      throw new IllegalArgumentException("a sink is a table, not a query");
    }
  }

  /** A folder of the format its extension names. */
  public static SparkSink ofPath(String path) {
    return new SparkSink(DataFormat.ofPath(path), path, null);
  }

  /**
   * The reject output beside a file output, as {@code mlsys batch run} names it: {@code
   * predictions.csv} -> {@code predictions.rejects.csv}, {@code predictions} -> {@code
   * predictions.rejects}, in the same format.
   */
  SparkSink rejectsBeside() {
    if (jdbc != null) {
      return new SparkSink(
          format,
          null,
          new JdbcTable(
              jdbc.url(), jdbc.user(), jdbc.password(), jdbc.table() + "_rejects", null, null));
    }
    String trimmed = path;
    while (trimmed.length() > 1 && trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    int slash = trimmed.lastIndexOf('/');
    int dot = trimmed.lastIndexOf('.');
    String rejects =
        dot > slash + 1
            ? trimmed.substring(0, dot) + ".rejects" + trimmed.substring(dot)
            : trimmed + ".rejects";
    return new SparkSink(format, rejects, null);
  }

  /** Where it is, for messages (no password). */
  String describe() {
    return jdbc != null ? jdbc.url() + " table " + jdbc.table() : path;
  }
}
