package io.mlsys.spark;

import io.mlsys.config.ConfigException;
import java.util.Locale;

/** How Spark reads the rows or writes the predictions and the rejects. */
public enum DataFormat {
  /** Comma-separated text, a line a row; the predictions get a header line in each part file. */
  CSV,
  /** Apache Parquet. */
  PARQUET,
  /** JSON lines: read as {@code mlsys batch run} reads them, written by Spark's JSON writer. */
  JSONL,
  /** A database table (or, to read, a query), through Spark's JDBC source and sink. */
  JDBC;

  /**
   * @param option the option the text came from, for the error
   * @throws ConfigException naming the option when the text is not a file format
   */
  static DataFormat parse(String option, String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "csv" -> CSV;
      case "parquet" -> PARQUET;
      case "jsonl", "json" -> JSONL;
      default -> throw new ConfigException(option, text + " (expected: csv, jsonl or parquet)");
    };
  }

  /** The format a path's extension names ({@code .parquet}, {@code .jsonl}), else CSV. */
  static DataFormat ofPath(String path) {
    String name = path.toLowerCase(Locale.ROOT);
    while (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.endsWith(".parquet")
        ? PARQUET
        : name.endsWith(".jsonl") || name.endsWith(".json") ? JSONL : CSV;
  }
}
