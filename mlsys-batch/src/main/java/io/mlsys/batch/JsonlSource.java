package io.mlsys.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A file of JSON lines: each an array of the row's fields in order, or an object whose {@code
 * columns} (all its values in order, when none are named) are the fields; an array value within the
 * object gives one field per element ({@code {"input": [5.1, 3.5, 1.4, 0.2]}}).
 */
final class JsonlSource implements RowSource {
  private static final ObjectMapper JSON = new ObjectMapper();

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
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return new Row(null, line, "not a JSON line (" + e.getOriginalMessage() + ")");
    }
    List<String> fields = new ArrayList<>();
    if (node.isArray()) {
      add(node, fields);
    } else if (node.isObject()) {
      if (columns == null) {
        for (Iterator<JsonNode> values = node.elements(); values.hasNext(); ) {
          add(values.next(), fields);
        }
      } else {
        for (String column : columns) {
          JsonNode value = node.get(column);
          if (value == null) {
            return new Row(
                null, line, "has no key '" + column + "' (expected: columns " + columns + ")");
          }
          add(value, fields);
        }
      }
    } else {
      return new Row(null, line, "is not a JSON array or object");
    }
    return new Row(fields.toArray(new String[0]), line, null);
  }

  private static void add(JsonNode value, List<String> fields) {
    if (value.isArray()) {
      for (JsonNode element : value) {
        add(element, fields);
      }
    } else {
      fields.add(value.isNull() ? "" : value.asText());
    }
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
