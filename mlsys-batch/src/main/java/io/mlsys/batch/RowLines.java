package io.mlsys.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * How one line of a CSV or JSONL source becomes a row's fields: the rules of {@code mlsys batch
 * run}'s sources, shared with the Spark job (mlsys-spark), whose tasks split the lines Spark reads.
 * Stateless and thread-safe.
 */
public final class RowLines {
  private static final CsvMapper CSV =
      CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private RowLines() {}

  /**
   * A CSV line's fields. A line without quotes is split at its commas directly; a line with quotes
   * goes through Jackson's CSV parser (a quoted field holding a line break is not supported: every
   * line is a row).
   */
  public static RowSource.Row csv(String line) {
    if (line.indexOf('"') < 0) {
      int commas = 0;
      for (int at = line.indexOf(','); at >= 0; at = line.indexOf(',', at + 1)) {
        commas++;
      }
      String[] fields = new String[commas + 1];
      int start = 0;
      for (int i = 0; i < commas; i++) {
        int comma = line.indexOf(',', start);
        fields[i] = line.substring(start, comma);
        start = comma + 1;
      }
      fields[commas] = line.substring(start);
      return new RowSource.Row(fields, line, null);
    }
    try {
      return new RowSource.Row(CSV.readerFor(String[].class).readValue(line), line, null);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return new RowSource.Row(null, line, "not a CSV line (" + e.getOriginalMessage() + ")");
    }
  }

  /**
   * A JSON line's fields: an array of the row's fields in order, or an object whose {@code columns}
   * (all its values in order, when null) are the fields; an array value within the object gives one
   * field per element ({@code {"input": [5.1, 3.5, 1.4, 0.2]}}).
   */
  public static RowSource.Row json(String line, List<String> columns) {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return new RowSource.Row(null, line, "not a JSON line (" + e.getOriginalMessage() + ")");
    }
    List<String> fields = new ArrayList<>();
    if (node != null && node.isArray()) {
      add(node, fields);
    } else if (node != null && node.isObject()) {
      if (columns == null) {
        for (Iterator<JsonNode> values = node.elements(); values.hasNext(); ) {
          add(values.next(), fields);
        }
      } else {
        for (String column : columns) {
          JsonNode value = node.get(column);
          if (value == null) {
            return new RowSource.Row(
                null, line, "has no key '" + column + "' (expected: columns " + columns + ")");
          }
          add(value, fields);
        }
      }
    } else {
      return new RowSource.Row(null, line, "is not a JSON array or object");
    }
    return new RowSource.Row(fields.toArray(new String[0]), line, null);
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
}
