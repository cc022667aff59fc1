package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects every violation found while graphs are built, so that all are reported at once. */
final class Violations {
  private final Set<ConfigViolation> found = new LinkedHashSet<>();
  private final boolean recording;

  private Violations(boolean recording) {
    this.recording = recording;
  }

  /** A collector that keeps what it is given. */
  static Violations collecting() {
    return new Violations(true);
  }

  /** A collector that drops everything: the same analysis, run for metadata after the build. */
  static Violations ignoring() {
    return new Violations(false);
  }

  void add(String path, String problem) {
    if (recording) {
      found.add(new ConfigViolation(path, problem));
    }
  }

  /** Records {@code path: <value> (expected: <expected>)}. */
  void invalid(String path, Object value, String expected) {
    add(path, describe(value) + " (expected: " + expected + ")");
  }

  /** Adds a nested exception's violations, their paths under {@code parent}. */
  void addAll(String parent, ConfigException nested) {
    for (ConfigViolation violation : nested.violations()) {
      String path = violation.path();
      add(
          path.isEmpty() || path.startsWith("[") ? parent + path : parent + "." + path,
          violation.problem());
    }
  }

  List<ConfigViolation> list() {
    return new ArrayList<>(found);
  }

  void throwIfAny() {
    if (!found.isEmpty()) {
      throw new ConfigException(null, list());
    }
  }

  /** Strings quoted, everything else as text. */
  static String describe(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
