package io.mlsys.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** A file of JSON lines, one object a row, keyed by column name; numbers as JSON numbers. */
final class JsonlSink extends FileSink {
  private static final JsonFactory JSON = new JsonFactory();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

  JsonlSink(Path file) {
    super(file);
  }

  @Override
  protected void writeHeader() {
    // JSON lines carry their keys in every line.
  }

  @Override
  public void write(String[] fields) throws IOException {
    line.reset();
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      for (int i = 0; i < fields.length; i++) {
        json.writeFieldName(columns.names().get(i));
        String value = fields[i];
        switch (columns.kinds().get(i)) {
          case INTEGER, REAL -> {
            if (value.isEmpty() || !Character.isDigit(value.charAt(value.length() - 1))) {
              // NaN and Infinity are no JSON numbers.
              json.writeString(value);
            } else {
              json.writeNumber(value);
            }
          }
          case BOOLEAN -> json.writeBoolean(Boolean.parseBoolean(value));
          case TEXT -> json.writeString(value);
        }
      }
      json.writeEndObject();
    }
    line.write('\n');
    byte[] bytes = line.toByteArray();
    for (byte b : bytes) {
      put(b);
    }
  }
}
