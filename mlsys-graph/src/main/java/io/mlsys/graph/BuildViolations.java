package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/** Collects every violation found while graphs are built, so that all are reported at once. */
final class BuildViolations {
  private final Set<ConfigViolation> found = new LinkedHashSet<>();
  private final boolean recording;
  private final BiConsumer<String, String> forward;

  private BuildViolations(boolean recording, BiConsumer<String, String> forward) {
    this.recording = recording;
    this.forward = forward;
  }

  /** A collector that keeps what it is given. */
  static BuildViolations collecting() {
    return new BuildViolations(true, null);
  }

  /** A collector that drops everything: the same analysis, run for metadata after the build. */
  static BuildViolations ignoring() {
    return new BuildViolations(false, null);
  }

  /** Passes each violation on as {@code path, problem}, keeping none. */
  static BuildViolations forwarding(BiConsumer<String, String> to) {
    return new BuildViolations(false, to);
  }

  void add(String path, String problem) {
    if (forward != null) {
      forward.accept(path, problem);
    } else if (recording) {
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
      add(ConfigViolation.join(parent, violation.path()), violation.problem());
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
