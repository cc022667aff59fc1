package io.mlsys.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A file of JSON lines: each an array of the row's fields in order, or an object whose {@code
 * columns} (all its values in order, when none are named) are the fields; an array value within the
 * object gives one field per element ({@code {"input": [5.1, 3.5, 1.4, 0.2]}}).
 */
final class JsonlSource implements RowSource {
  private final Path file;
  private final List<String> columns;
  private final long size;
  private final long modified;
  private BufferedReader reader;
  private long charsRead;

  JsonlSource(Path file, List<String> columns) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BatchException("input " + file + ": no such file");
    }
    this.file = file;
    this.columns = columns;
    this.size = Files.size(file);
    this.modified = Files.getLastModifiedTime(file).toMillis();
  }

  @Override
  public String identity() {
    return "jsonl " + file + " " + size + " bytes, modified " + modified;
  }

  @Override
  public void open(long rowsDone, Boolean header) throws IOException {
    reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    for (long i = 0; i < rowsDone && readLine() != null; i++) {
      // skipped: done by an earlier run
    }
  }

  private String readLine() throws IOException {
    String line;
    do {
      line = reader.readLine();
      if (line == null) {
        return null;
      }
      charsRead += line.length() + 1;
    } while (line.isBlank());
    return line;
  }

  @Override
  public Row next() throws IOException {
    String line = readLine();
    if (line == null) {
      return null;
    }
    return RowLines.json(line, columns);
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
