package io.mlsys.batch;

import java.nio.file.Path;

/**
 * A CSV file: a header line, then a line a row; a field is quoted when it holds a comma, a quote or
 * a blank (as Jackson writes them, so reject files read as before).
 */
final class CsvSink extends FileSink {
  private final boolean header;

  /**
   * @param header whether the file starts with a header line
   */
  CsvSink(Path file, boolean header) {
    super(file);
    this.header = header;
  }

  @Override
  protected void writeHeader() {
    if (header) {
      line(columns.names().toArray(new String[0]));
    }
  }

  @Override
  public void write(String[] fields) {
    line(fields);
  }

  private void line(String[] fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        put((byte) ',');
      }
      field(fields[i]);
    }
    put((byte) '\n');
  }

  private void field(String field) {
    if (!needsQuotes(field)) {
      put(field);
      return;
    }
    put((byte) '"');
    put(field.replace("\"", "\"\""));
    put((byte) '"');
  }

  private static boolean needsQuotes(String field) {
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c <= ' ' || c == ',' || c == '"') {
        return true;
      }
    }
    return false;
  }
}
