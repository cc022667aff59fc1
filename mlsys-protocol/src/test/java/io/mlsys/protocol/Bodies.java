package io.mlsys.protocol;

import static org.assertj.core.api.Assertions.fail;

import io.mlsys.core.InvalidInputException;
import java.nio.charset.StandardCharsets;

/** Test helpers: JSON text to bytes, and catching the expected rejection. */
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
}
