package io.mlsys.config;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks the graph records share; each records {@code path: value (expected: ...)}. */
final class Checks {
  /**
   * Names of steps, branches and stages: they become parts of dotted paths ({@code STEP.TENSOR},
   * {@code ensemble.branches.NAME.weight}), so they hold no '.'.
   */
  static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  static final String EXPECTED_NODE_NAME = "1 to 128 letters, digits, '_' or '-'";
  static final String EXPECTED_TIMEOUT = Durations.EXPECTED + ", > 0";
  static final String EXPECTED_NAME = "a non-blank name";

  private Checks() {}

  /** A node's own timeout: none, or positive. */
  static void timeout(Violations violations, Duration timeout) {
    violations.check(
        timeout == null || (!timeout.isNegative() && !timeout.isZero()),
        "timeout",
        timeout,
        EXPECTED_TIMEOUT);
  }

  /** A required name: not blank. */
  static void name(Violations violations, String path, String name) {
    violations.check(name != null && !name.isBlank(), path, name, EXPECTED_NAME);
  }

  /** An optional name: null, or not blank. */
  static void optionalName(Violations violations, String path, String name) {
    if (name != null) {
      name(violations, path, name);
    }
  }

  /** Names of a list: each not blank and, when {@code distinct}, each once. */
  static void names(Violations violations, String path, List<String> names, boolean distinct) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isBlank()) {
        violations.invalid(path + "[" + i + "]", name, EXPECTED_NAME);
      } else if (distinct && !seen.add(name)) {
        violations.invalid(path + "[" + i + "]", name, "each name once");
      }
    }
  }

  /** A non-empty list of finite numbers. */
  static void numbers(Violations violations, String path, List<Double> values) {
    if (values.isEmpty()) {
      violations.invalid(path, values, "a non-empty list of numbers");
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      Double value = values.get(i);
      violations.check(
          value != null && Double.isFinite(value), path + "[" + i + "]", value, "a finite number");
    }
  }

  /** One of {@code choices}, as written (case matters). */
  static void choice(Violations violations, String path, String value, List<String> choices) {
    violations.check(choices.contains(value), path, value, "one of: " + String.join(", ", choices));
  }

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
