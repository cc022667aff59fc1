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
  /** What a name is expected to be, in messages. */
  public static final String EXPECTED_NAME = "a non-blank name";

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

  /**
   * Whether a required value is there; records {@code path: missing (expected: <expected>)} when it
   * is null (in config: a key left out).
   */
  public boolean present(String path, Object value, String expected) {
    if (value == null) {
      add(path, "missing (expected: " + expected + ")");
      return false;
    }
    return true;
  }

  /** Checks a required name: not null, not blank. */
  public void name(String path, String name) {
    check(name != null && !name.isBlank(), path, name, EXPECTED_NAME);
  }

  /** Checks an optional name: null, or not blank. */
  public void optionalName(String path, String name) {
    if (name != null) {
      name(path, name);
    }
  }

  /**
   * Checks the names of a list ({@code path[i]}): each not blank and, if {@code distinct}, once.
   */
  public void names(String path, List<String> names, boolean distinct) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name == null || name.isBlank()) {
        invalid(path + "[" + i + "]", name, EXPECTED_NAME);
      } else if (distinct && !seen.add(name)) {
        invalid(path + "[" + i + "]", name, "each name once");
      }
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
