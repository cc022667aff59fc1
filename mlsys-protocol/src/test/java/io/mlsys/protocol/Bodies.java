package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.fail;

import io.mlsys.core.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** Test helpers: JSON text to bytes, binary bodies, and catching the expected rejection. */
final class Bodies {
  private Bodies() {}

  static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  static InvalidInputException rejection(Runnable call) {
    try {
      call.run();
    } catch (InvalidInputException e) {
      return e;
    }
    return fail("expected an InvalidInputException");
  }

  /** One input tensor as a request body. */
  static String request(String name, String shape, String datatype, String data) {
    return "{\"inputs\":[{\"name\":\""
        + name
        + "\",\"shape\":"
        + shape
        + ",\"datatype\":\""
        + datatype
        + "\",\"data\":"
        + data
        + "}]}";
  }

  /** {@code size} bytes written little-endian by {@code fill}, which must fill them exactly. */
  static byte[] le(int size, Consumer<ByteBuffer> fill) {
    ByteBuffer buffer = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    fill.accept(buffer);
    if (buffer.hasRemaining()) {
      throw new IllegalArgumentException(buffer.remaining() + " bytes left unwritten");
    }
    return buffer.array();
  }

  /** A binary-extension body: the JSON text, then the parts. */
  static byte[] concat(String json, byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(json(json));
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
