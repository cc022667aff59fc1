package io.mlsys.transform;

import io.mlsys.config.ConfigViolation;
import io.mlsys.config.Violations;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Checks the transform records share; each records {@code path: value (expected: ...)}. */
final class Checks {
  static final String EXPECTED_NUMBERS = "a non-empty list of numbers";
  static final String EXPECTED_PLAIN = "a String, Long, Double, Boolean, or a List or Map of them";

  private Checks() {}

  /** The required {@code tensor} a step reads: there, and not blank. */
  static void tensor(Violations violations, String tensor) {
    if (violations.present("tensor", tensor, "the name of the tensor to read")) {
      violations.name("tensor", tensor);
    }
  }

  /** A non-empty list of finite numbers. */
  static void numbers(Violations violations, String path, List<Double> values) {
    if (values.isEmpty()) {
      violations.invalid(path, values, EXPECTED_NUMBERS);
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      Double value = values.get(i);
      violations.check(
          value != null && Double.isFinite(value), path + "[" + i + "]", value, "a finite number");
    }
  }

  /** No value 0 (a divisor). */
  static void nonZero(Violations violations, String path, List<Double> values) {
    for (int i = 0; i < values.size(); i++) {
      Double value = values.get(i);
      violations.check(
          value == null || value != 0, path + "[" + i + "]", value, "a number other than 0");
    }
  }

  /** One of {@code choices}, as written (case matters). */
  static void choice(Violations violations, String path, String value, List<String> choices) {
    violations.check(choices.contains(value), path, value, choices(choices));
  }

  static String choices(List<String> choices) {
    return "one of: " + String.join(", ", choices);
  }

  /** Options that are plain values: String, Long, Double, Boolean, List and Map of them. */
  static void plain(Violations violations, String path, Map<String, Object> options) {
    for (Map.Entry<String, Object> option : options.entrySet()) {
      if (!isPlain(option.getValue())) {
        violations.add(
            ConfigViolation.join(path, option.getKey()),
            option.getValue().getClass().getSimpleName() + " (expected: " + EXPECTED_PLAIN + ")");
      }
    }
  }

  private static boolean isPlain(Object value) {
    return switch (value) {
      case String text -> true;
      case Long number -> true;
      case Double number -> true;
      case Boolean flag -> true;
      case List<?> list -> list.stream().allMatch(item -> item != null && isPlain(item));
      case Map<?, ?> map ->
          map.entrySet().stream()
              .allMatch(
                  entry ->
                      entry.getKey() instanceof String
                          && entry.getValue() != null
                          && isPlain(entry.getValue()));
      default -> false;
    };
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
