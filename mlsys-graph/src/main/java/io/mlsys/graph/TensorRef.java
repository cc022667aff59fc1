package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigShorthand;
import io.mlsys.config.Violations;
import java.util.Objects;

/**
 * A tensor reference {@code NODE.TENSOR} (a step's or a branch's {@code inputs}): NODE is {@code
 * request} or a step name (no '.'), so the first '.' splits it.
 */
public record TensorRef(String node, String tensor) {
  public static final String REQUEST = "request";

  static final String EXPECTED = "NODE.TENSOR, NODE being request or a step name";

  /**
   * @throws ConfigException (empty path) when the node is blank or holds a '.', or the tensor is
   *     blank
   */
  public TensorRef {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(tensor, "tensor");
    if (node.isBlank() || node.contains(".") || tensor.isBlank()) {
      throw new ConfigException(
          "", Violations.describe(node + "." + tensor) + " (expected: " + EXPECTED + ")");
    }
  }

  /**
   * Parses {@code NODE.TENSOR}, split at the first '.'.
   *
   * @throws ConfigException (empty path) when the text is not of that form
   */
  @ConfigShorthand(only = true)
  public static TensorRef parse(String text) {
    int dot = text.indexOf('.');
    if (dot < 0) {
      throw new ConfigException("", Violations.describe(text) + " (expected: " + EXPECTED + ")");
    }
    return new TensorRef(text.substring(0, dot), text.substring(dot + 1));
  }

  /** {@code request.TENSOR}. */
  public static TensorRef request(String tensor) {
    return new TensorRef(REQUEST, tensor);
  }

  @Override
  public String toString() {
    return node + "." + tensor;
  }
}
