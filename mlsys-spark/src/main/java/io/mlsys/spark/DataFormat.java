package io.mlsys.spark;

import io.mlsys.config.ConfigException;
import java.util.Locale;

/** A file format Spark reads the rows from or writes the predictions to. */
public enum DataFormat {
  /** Comma-separated text; the predictions get a header line in each part file. */
  CSV,
  /** Apache Parquet. */
  PARQUET;

  /** Spark's name of the format ({@code csv}, {@code parquet}). */
  String sparkName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @param option the option the text came from, for the error
   * @throws ConfigException naming the option when the text is not a format
   */
  static DataFormat parse(String option, String text) {
    try {
      return valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(option, text + " (expected: csv or parquet)");
    }
  }

  /** The format a path's extension names ({@code .parquet}), else CSV. */
  static DataFormat ofPath(String path) {
    String name = path.toLowerCase(Locale.ROOT);
    while (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.endsWith(".parquet") ? PARQUET : CSV;
  }
}
