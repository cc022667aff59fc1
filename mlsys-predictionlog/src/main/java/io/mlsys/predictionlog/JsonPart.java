package io.mlsys.predictionlog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One JSON value of an event (its inputs, outputs or features) held as the UTF-8 bytes it is
 * written as, or as a tree, and turned into the other form only when asked. The event factory makes
 * the tensors' JSON once, as bytes; sinks copy those bytes into their lines, so the values are not
 * parsed into a tree and written again (on the OCR recognizer's 265,000-float output that was two
 * thirds of the writer thread's time). A reader that wants a tree ({@link
 * PredictionEvent#inputs()}) gets it parsed on first use. Thread-safe: both forms are immutable
 * once made, and two threads that make the same form at once make equal ones.
 */
final class JsonPart {
  private volatile byte[] bytes;
  private volatile JsonNode tree;

  private JsonPart(byte[] bytes, JsonNode tree) {
    this.bytes = bytes;
    this.tree = tree;
  }

  /** The value written as these UTF-8 bytes (not copied: the caller hands them over). */
  static JsonPart ofBytes(byte[] bytes) {
    return bytes == null ? null : new JsonPart(bytes, null);
  }

  /** The value as a tree; null for none, and for JSON null (a line's {@code "outputs": null}). */
  static JsonPart ofTree(JsonNode tree) {
    return tree == null || tree.isNull() ? null : new JsonPart(null, tree);
  }

  /** The value as a tree, parsed on first use; shared, so callers must not change it. */
  JsonNode tree() {
    JsonNode result = tree;
    if (result == null) {
      try {
        result = mapper().readTree(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("event JSON written by the event factory is readable", e);
      }
      tree = result;
    }
    return result;
  }

  /** The value as UTF-8 JSON, written on first use; shared, so callers must not change it. */
  byte[] bytes() {
    byte[] result = bytes;
    if (result == null) {
      try {
        result = mapper().writeValueAsBytes(tree);
      } catch (IOException e) {
        throw new UncheckedIOException("a JSON tree is always writable", e);
      }
      bytes = result;
    }
    return result;
  }

  /** The length of the value's JSON in bytes (written on first use for a tree). */
  int size() {
    return bytes().length;
  }

  /** Writes the value where {@code generator} expects one: the bytes as they are, else the tree. */
  void write(JsonGenerator generator) throws IOException {
    byte[] written = bytes;
    if (written != null) {
      generator.writeRawValue(new RawUtf8(written, 0, written.length));
    } else {
      generator.writeTree(tree);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof JsonPart part && tree().equals(part.tree());
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    return new String(bytes(), StandardCharsets.UTF_8);
  }

  private static ObjectMapper mapper() {
    return PredictionEvent.mapper();
  }

  /**
   * UTF-8 bytes that a generator copies into its output as they are ({@link
   * JsonGenerator#writeRawValue(SerializableString)}), without turning them into a String first.
   * Only the unquoted forms are used by a UTF-8 generator; the others are not needed.
   */
  record RawUtf8(byte[] bytes, int offset, int length) implements SerializableString {
    RawUtf8 {
      Objects.checkFromIndexSize(offset, length, bytes.length);
    }

    @Override
    public String getValue() {
      return new String(bytes, offset, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return offset == 0 && length == bytes.length
          ? bytes
          : Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int at) {
      if (length > buffer.length - at) {
        return -1;
      }
      System.arraycopy(bytes, offset, buffer, at, length);
      return length;
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(bytes, offset, length);
      return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) {
      if (length > buffer.remaining()) {
        return -1;
      }
      buffer.put(bytes, offset, length);
      return length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int at) {
      String value = getValue();
      if (value.length() > buffer.length - at) {
        return -1;
      }
      value.getChars(0, value.length(), buffer, at);
      return value.length();
    }

    @Override
    public char[] asQuotedChars() {
      throw quoted();
    }

    @Override
    public byte[] asQuotedUTF8() {
      throw quoted();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int at) {
      throw quoted();
    }

    @Override
    public int appendQuoted(char[] buffer, int at) {
      throw quoted();
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) {
      throw quoted();
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) {
      throw quoted();
    }

    private static UnsupportedOperationException quoted() {
      return new UnsupportedOperationException("raw JSON is written as it is, never quoted");
    }
  }
}
