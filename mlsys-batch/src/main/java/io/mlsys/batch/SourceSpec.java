package io.mlsys.batch;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a job's rows come from ({@code source:} of a job file): exactly one of the formats.
 *
 * @param csv a CSV file whose fields are the model's inputs in order (a header line is recognized)
 * @param jsonl a file of JSON lines, each an array of the fields in order, or an object whose
 *     {@code columns} (all of its values in order when absent) are the fields
 * @param parquet a Parquet file, or a folder of them (read in file-name order)
 * @param jdbc a database table or query
 * @param header CSV only: whether the first line is a header; null recognizes it
 * @param columns the columns (JSONL object keys, Parquet or table columns) that fill the model's
 *     inputs, in order; null takes every column in its order
 */
public record SourceSpec(
    Path csv, Path jsonl, Path parquet, JdbcTable jdbc, Boolean header, List<String> columns) {

  /**
   * @throws ConfigException listing every invalid field
   */
  public SourceSpec {
    columns = columns == null ? null : List.copyOf(columns);
    Violations violations = new Violations();
    int formats =
        (csv != null ? 1 : 0)
            + (jsonl != null ? 1 : 0)
            + (parquet != null ? 1 : 0)
            + (jdbc != null ? 1 : 0);
    violations.check(formats == 1, "csv", csv, "exactly one of csv, jsonl, parquet and jdbc");
    violations.check(
        header == null || csv != null, "header", header, "only with csv (the others name columns)");
    violations.check(
        columns == null || (csv == null && !columns.isEmpty()),
        "columns",
        columns,
        "a non-empty list of column names, with jsonl, parquet or jdbc");
    if (columns != null) {
      for (int i = 0; i < columns.size(); i++) {
        violations.check(
            columns.get(i) != null && !columns.get(i).isBlank(),
            "columns[" + i + "]",
            columns.get(i),
            "a column name (quoted in SQL, so any non-blank text)");
      }
    }
    violations.throwIfAny(null);
  }

  /** A CSV file, header recognized. */
  public static SourceSpec ofCsv(Path file, Boolean header) {
    return new SourceSpec(file, null, null, null, header, null);
  }
}
