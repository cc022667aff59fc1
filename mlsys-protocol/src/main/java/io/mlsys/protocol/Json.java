package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.mlsys.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Streaming JSON plumbing shared by the codecs: parsing frame, messages, parameter maps. */
final class Json {
  /** Longest piece of client text quoted in an error message. */
  static final int MAX_QUOTED_CHARS = 40;

  private Json() {}

  /**
   * A factory for strict JSON that still tokenizes {@code NaN} and {@code Infinity}, so that the
   * codecs can reject them with a message naming the element instead of a generic parse error.
   */
  static JsonFactory newFactory() {
    return JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  }

  /** Reads the members of the body's top-level object; the parser sits on its START_OBJECT. */
  @FunctionalInterface
  interface ObjectBody<T> {
    T read(JsonParser parser) throws IOException;
  }

  /** Writes one JSON value. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  /**
   * Parses a body that must be exactly one JSON object, turning every JSON syntax problem into an
   * {@link InvalidInputException} on {@code body} that says where it is.
   */
  static <T> T parseObject(JsonFactory factory, byte[] body, ObjectBody<T> reader) {
    return parseObject(factory, body, body == null ? 0 : body.length, reader);
  }

  /**
   * As {@link #parseObject(JsonFactory, byte[], ObjectBody)} for the first {@code length} bytes.
   */
  static <T> T parseObject(JsonFactory factory, byte[] body, int length, ObjectBody<T> reader) {
    if (body == null) {
      throw new InvalidInputException("body", "missing (expected: a JSON object)");
    }
    try (JsonParser parser = factory.createParser(body, 0, length)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new InvalidInputException("body", "empty (expected: a JSON object)");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new InvalidInputException("body", describe(parser) + " (expected: a JSON object)");
      }
      T result = reader.read(parser);
      if (parser.nextToken() != null) {
        JsonLocation where = parser.currentTokenLocation();
        throw new InvalidInputException(
            "body",
            "unexpected content after the JSON object at line "
                + where.getLineNr()
                + ", column "
                + where.getColumnNr()
                + " (expected: a single JSON object)");
      }
      return result;
    } catch (JsonProcessingException e) {
      throw malformed(e);
    } catch (IOException e) {
      // Parsing a byte array does no I/O; anything else Jackson throws is still bad input.
      throw new InvalidInputException("body", "unreadable JSON: " + e.getMessage());
    }
  }

  static InvalidInputException malformed(JsonProcessingException e) {
    JsonLocation where = e.getLocation();
    String at =
        where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
    // Jackson's nested locations name a redacted source; keep only line and column.
    String problem = String.valueOf(e.getOriginalMessage()).replaceAll("\\[Source: [^;]*; ", "[");
    return new InvalidInputException("body", "malformed JSON" + at + ": " + sanitize(problem, 200));
  }

  /** Serializes one value to UTF-8 JSON bytes. */
  static byte[] write(JsonFactory factory, Body body) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator generator = factory.createGenerator(out, JsonEncoding.UTF8)) {
      body.write(generator);
    } catch (IOException e) {
      // Writing to memory does no I/O.
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Moves to the next token, failing on a truncated document instead of looping on null. */
  static JsonToken next(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new InvalidInputException(
          "body", "malformed JSON: unexpected end of input (expected: a complete JSON object)");
    }
    return token;
  }

  /** The current token as it should appear in an error message: its value or its kind. */
  static String describe(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return "end of input";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> '"' + sanitize(parser.getText(), MAX_QUOTED_CHARS) + '"';
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> sanitize(parser.getText(), MAX_QUOTED_CHARS);
      case VALUE_TRUE -> "true";
      case VALUE_FALSE -> "false";
      case VALUE_NULL -> "null";
      default -> token.name();
    };
  }

  /** Client text made safe for a one-line message: control characters replaced, truncated. */
  static String sanitize(String text, int maxChars) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), maxChars + 3));
    for (int i = 0; i < text.length(); i++) {
      if (i == maxChars) {
        out.append("...");
        break;
      }
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }

  /** A key as it should appear in a field path. */
  static String key(String name) {
    return sanitize(name, MAX_QUOTED_CHARS);
  }

  static InvalidInputException unknownKey(String field, String expected) {
    return new InvalidInputException(field, "unknown key (expected: one of " + expected + ")");
  }

  static InvalidInputException duplicateKey(String field) {
    return new InvalidInputException(field, "duplicate key (expected: each key once)");
  }

  /** Reads a string value; the parser sits on the value. */
  static String readString(JsonParser parser, String field, String expected) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw new InvalidInputException(field, describe(parser) + " (expected: " + expected + ")");
    }
    return parser.getText();
  }

  /**
   * Reads an OIP parameters object: string keys to string, number or boolean values. Integers
   * become Long and other numbers Double, as {@link io.mlsys.core.Parameters} keeps them.
   */
  static Map<String, Object> readParameters(JsonParser parser, String field) throws IOException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidInputException(
          field, describe(parser) + " (expected: an object of parameters)");
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    while (next(parser) == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = next(parser);
      Object value =
          switch (token) {
            case VALUE_STRING -> parser.getText();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> {
              if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new InvalidInputException(
                    field + "." + key(name),
                    describe(parser) + " (expected: an integer within the 64-bit signed range)");
              }
              yield parser.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
              double number = parser.getDoubleValue();
              if (parser.isNaN() || Double.isInfinite(number)) {
                throw new InvalidInputException(
                    field + "." + key(name),
                    describe(parser) + " (expected: a finite number; JSON has no NaN or Infinity)");
              }
              yield number;
            }
            default ->
                throw new InvalidInputException(
                    field + "." + key(name),
                    describe(parser) + " (expected: a string, number or boolean)");
          };
      if (parameters.putIfAbsent(name, value) != null) {
        throw duplicateKey(field + "." + key(name));
      }
    }
    return parameters;
  }

  /** Writes a parameters map whose values are String, Boolean, Long or Double (or Integer). */
  static void writeParameters(JsonGenerator generator, Map<String, Object> parameters)
      throws IOException {
    generator.writeStartObject();
    for (Map.Entry<String, Object> entry : parameters.entrySet()) {
      generator.writeFieldName(entry.getKey());
      writeScalar(generator, entry.getValue());
    }
    generator.writeEndObject();
  }

  static void writeScalar(JsonGenerator generator, Object value) throws IOException {
    switch (value) {
      case String s -> generator.writeString(s);
      case Boolean b -> generator.writeBoolean(b);
      case Long l -> generator.writeNumber(l);
      case Integer i -> generator.writeNumber(i);
      case Double d -> generator.writeNumber(d);
      case Float f -> generator.writeNumber(f);
      case null -> generator.writeNull();
      default -> generator.writeString(value.toString());
    }
  }

  /** Writes a string map sorted by key, numerically where both keys are integers. */
  static void writeSortedStrings(JsonGenerator generator, Map<String, String> map)
      throws IOException {
    List<String> keys = new ArrayList<>(map.keySet());
    keys.sort(Json::compareKeys);
    generator.writeStartObject();
    for (String k : keys) {
      generator.writeStringField(k, map.get(k));
    }
    generator.writeEndObject();
  }

  private static int compareKeys(String a, String b) {
    boolean aNumber = isInteger(a);
    boolean bNumber = isInteger(b);
    if (aNumber && bNumber) {
      int byLength = Integer.compare(a.length(), b.length());
      return byLength != 0 ? byLength : a.compareTo(b);
    }
    if (aNumber != bNumber) {
      return aNumber ? -1 : 1;
    }
    return a.compareTo(b);
  }

  /** A non-negative decimal without leading zeros, so length order is numeric order. */
  private static boolean isInteger(String s) {
    if (s.isEmpty() || s.length() > 18 || (s.length() > 1 && s.charAt(0) == '0')) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
