package io.mlsys.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * A CSV file's rows. A line without quotes is split at its commas directly; a line with quotes goes
 * through Jackson's CSV parser (a quoted field holding a line break is not supported: every line is
 * a row).
 */
final class CsvSource implements RowSource {
  private final Path file;
  private final Boolean headerOption;
  private final Predicate<String[]> looksLikeHeader;
  private final long size;
  private final long modified;
  private BufferedReader reader;
  private boolean header;
  private Row pending;
  private long charsRead;

  /**
   * @param headerOption whether the first line is a header; null recognizes one
   * @param looksLikeHeader recognizes a header line by its fields
   */
  CsvSource(Path file, Boolean headerOption, Predicate<String[]> looksLikeHeader)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BatchException("input " + file + ": no such file");
    }
    this.file = file;
    this.headerOption = headerOption;
    this.looksLikeHeader = looksLikeHeader;
    this.size = Files.size(file);
    this.modified = Files.getLastModifiedTime(file).toMillis();
  }

  @Override
  public String identity() {
    return "csv " + file + " " + size + " bytes, modified " + modified;
  }

  Path file() {
    return file;
  }

  long size() {
    return size;
  }

  long modified() {
    return modified;
  }

  @Override
  public void open(long rowsDone, Boolean checkpointHeader) throws IOException {
    reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    if (checkpointHeader != null) {
      header = checkpointHeader;
      if (header) {
        readLine();
      }
      for (long i = 0; i < rowsDone && readLine() != null; i++) {
        // skipped: done by an earlier run
      }
      return;
    }
    Row first = next();
    if (first == null) {
      return;
    }
    header =
        headerOption != null
            ? headerOption
            : first.fields() != null && looksLikeHeader.test(first.fields());
    pending = header ? null : first;
  }

  @Override
  public boolean header() {
    return header;
  }

  @Override
  public Row next() throws IOException {
    if (pending != null) {
      Row row = pending;
      pending = null;
      return row;
    }
    String line = readLine();
    if (line == null) {
      return null;
    }
    return RowLines.csv(line);
  }

  /** The next line that is not empty, or null at the end. */
  private String readLine() throws IOException {
    String line;
    do {
      line = reader.readLine();
      if (line == null) {
        return null;
      }
      charsRead += line.length() + 1;
    } while (line.isEmpty());
    return line;
  }

  @Override
  public double fraction() {
    return size == 0 ? 1 : Math.min(1, (double) charsRead / size);
  }

  @Override
  public void close() throws IOException {
    if (reader != null) {
      reader.close();
    }
  }
}
