package io.mlsys.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** What the graph records share. */
final class Checks {
  /**
   * Names of steps, branches and stages: they become parts of dotted paths ({@code STEP.TENSOR},
   * {@code ensemble.branches.NAME.weight}), so they hold no '.'.
   */
  static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  static final String EXPECTED_NODE_NAME = "1 to 128 letters, digits, '_' or '-'";

  private Checks() {}

  /**
   * An unmodifiable copy that keeps the order written; null is empty; null keys or values throw.
   */
  static <V> Map<String, V> orderedCopy(Map<String, V> map) {
    if (map == null) {
      return Map.of();
    }
    map.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "key");
          Objects.requireNonNull(value, "value");
        });
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
