package io.mlsys.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects violations so that a validator reports all of them at once. One violation per path: the
 * first one found for a path wins (a type error found while reading a key hides the range check of
 * the default that replaced it).
 */
public final class Violations {
  private final List<ConfigViolation> found = new ArrayList<>();
  private final Set<String> paths = new HashSet<>();

  public void add(ConfigViolation violation) {
    if (paths.add(violation.path())) {
      found.add(violation);
    }
  }

  public void add(String path, String problem) {
    add(new ConfigViolation(path, problem));
  }

  /** Records {@code path: <value> (expected: <expected>)}. */
  public void invalid(String path, Object value, String expected) {
    add(path, describe(value) + " (expected: " + expected + ")");
  }

  /** Checks a rule; records {@code path: <value> (expected: <expected>)} when it does not hold. */
  public void check(boolean holds, String path, Object value, String expected) {
    if (!holds) {
      invalid(path, value, expected);
    }
  }

  /** Adds the violations of a nested record under its key. */
  public void addAll(String parent, ConfigException nested) {
    for (ConfigViolation violation : nested.violations()) {
      add(violation.under(parent));
    }
  }

  public boolean isEmpty() {
    return found.isEmpty();
  }

  public List<ConfigViolation> list() {
    return List.copyOf(found);
  }

  /** Throws one exception listing every violation, if there is any. */
  public void throwIfAny(String source) {
    if (!found.isEmpty()) {
      throw new ConfigException(source, found);
    }
  }

  /** How a value is shown in a message: strings quoted, durations as {@code 250ms}. */
  public static String describe(Object value) {
    return switch (value) {
      case null -> "null";
      case String s -> "'" + s + "'";
      case Duration d -> Durations.format(d);
      default -> String.valueOf(value);
    };
  }
}
