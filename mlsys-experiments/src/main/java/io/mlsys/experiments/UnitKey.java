package io.mlsys.experiments;

import io.mlsys.config.ConfigException;
import io.mlsys.config.Violations;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import java.util.Optional;

/**
 * Where the unit an experiment assigns by (a user, a session) is read from: exactly one of a
 * request header, a request parameter, or an input tensor's first element.
 *
 * @param header a header name, such as {@code x-user}
 * @param parameter a request parameter, such as {@code user_id}
 * @param input an input tensor whose first element is the unit (BYTES or an integer)
 */
public record UnitKey(String header, String parameter, String input) {
  static final String EXPECTED = "exactly one of header, parameter, input";

  /**
   * @throws ConfigException unless exactly one source is named
   */
  public UnitKey {
    Violations violations = new Violations();
    int given = (header != null ? 1 : 0) + (parameter != null ? 1 : 0) + (input != null ? 1 : 0);
    violations.check(given == 1, "header", describe(header, parameter, input), EXPECTED);
    if (header != null) {
      violations.name("header", header);
    }
    if (parameter != null) {
      violations.name("parameter", parameter);
    }
    if (input != null) {
      violations.name("input", input);
    }
    violations.throwIfAny(null);
  }

  private static String describe(String header, String parameter, String input) {
    return "{header: " + header + ", parameter: " + parameter + ", input: " + input + "}";
  }

  /** The unit of this call; empty when the call does not carry it (or carries it empty). */
  Optional<String> read(InferRequest request, CallContext context) {
    String value;
    if (header != null) {
      value = context.header(header).orElse(null);
    } else if (parameter != null) {
      Object raw = request.parameters().get(parameter);
      value = raw == null ? null : raw.toString();
    } else {
      value = request.input(input).map(UnitKey::first).orElse(null);
    }
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  private static String first(Tensor tensor) {
    if (Tensor.elementCount(tensor.shape()) == 0) {
      return null;
    }
    return switch (tensor.datatype()) {
      case BYTES -> tensor.strings()[0];
      case BOOL -> Boolean.toString(tensor.bools()[0]);
      case FP16, BF16, FP32, FP64 -> Double.toString(tensor.doubleAt(0));
      default -> Long.toString(tensor.toLongArray()[0]);
    };
  }

  /** How the report names the key: {@code header:x-user}. */
  String describeSource() {
    return header != null
        ? "header:" + header
        : parameter != null ? "parameter:" + parameter : "input:" + input;
  }
}
