package io.mlsys.batch;

import java.io.IOException;

/**
 * Rows to predict, read in the same order every time (a resumed run skips the rows done by
 * counting). A row is its fields as text, in the model's input order.
 */
public interface RowSource extends AutoCloseable {
  /**
   * What a checkpoint compares so that a resumed run reads the same rows: the file and its size and
   * modification time, the table or query.
   */
  String identity();

  /**
   * Opens it for reading, past the first {@code rowsDone} rows.
   *
   * @param header whether a CSV file's first line is a header, from the checkpoint (null: a fresh
   *     run, recognize it)
   */
  void open(long rowsDone, Boolean header) throws IOException;

  /** Whether a header was skipped (CSV only), to record in the checkpoint. */
  default boolean header() {
    return false;
  }

  /**
   * The next row, or null at the end.
   *
   * @throws BatchException when the source cannot be read at all (not CSV, a lost connection)
   */
  Row next() throws IOException;

  /** How much was read so far, 0 to 1, or -1 when unknown (a query). */
  double fraction();

  @Override
  void close() throws IOException;

  /**
   * One row.
   *
   * @param fields its fields, or null when it cannot be split into fields (it is rejected)
   * @param text the row as read, for the reject sink (built only when asked)
   * @param problem why it could not be split, when {@code fields} is null
   */
  record Row(String[] fields, String text, String problem) {
    /** The row as text: as read, or its fields joined with commas. */
    public String describe() {
      return text != null ? text : fields == null ? "" : String.join(",", fields);
    }
  }
}
