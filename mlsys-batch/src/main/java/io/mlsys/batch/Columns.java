package io.mlsys.batch;

import java.util.List;
import java.util.Objects;

/**
 * The columns of a sink: names and kinds, {@code row} first.
 *
 * @param names the column names ({@code row}, {@code label}, {@code probabilities[setosa]}...)
 * @param kinds each column's kind, for sinks that type their columns (tables, Parquet, JSON)
 */
public record Columns(List<String> names, List<Kind> kinds) {
  /** What a column holds. */
  public enum Kind {
    /** A 64-bit integer. */
    INTEGER,
    /** A double. */
    REAL,
    /** A boolean. */
    BOOLEAN,
    /** Text. */
    TEXT
  }

  /** The reject sink's columns: the row's number, why it was rejected, and the row as read. */
  public static final Columns REJECTS =
      new Columns(List.of("row", "error", "line"), List.of(Kind.INTEGER, Kind.TEXT, Kind.TEXT));

  public Columns {
    names = List.copyOf(names);
    kinds = List.copyOf(kinds);
    if (names.size() != kinds.size()) {
      throw new IllegalArgumentException(
          "columns: " + names.size() + " names and " + kinds.size() + " kinds");
    }
    Objects.requireNonNull(names, "names");
  }

  public int size() {
    return names.size();
  }
}
