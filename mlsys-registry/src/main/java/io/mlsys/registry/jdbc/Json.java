package io.mlsys.registry.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON columns' codec. Unknown fields are ignored so that a row written by a newer mlsys still
 * reads (the row's {@code format_version} says which shape wrote it).
 */
final class Json {
  /** The shape of the JSON columns this code writes. */
  static final int FORMAT_VERSION = 1;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Json() {}

  static String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(String text, Class<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "stored " + type.getSimpleName() + " does not read: " + e.getOriginalMessage(), e);
    }
  }
}
