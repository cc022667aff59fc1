package io.mlsys.config;

import java.util.List;

/**
 * A configuration is invalid. It lists every violation found, not just the first, each as {@code
 * path: value (expected: ...)}.
 *
 * <p>Not part of core's {@code MlsysException} hierarchy: configuration is checked at start-up (or
 * when a model's {@code config.yaml} is read), never per request.
 */
public final class ConfigException extends RuntimeException {
  private final String source;
  private final transient List<ConfigViolation> violations;

  /**
   * @param source the file the configuration came from, or null when it was built in Java
   * @param violations at least one
   */
  public ConfigException(String source, List<ConfigViolation> violations) {
    super(message(source, violations));
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("violations: [] (expected: at least one)");
    }
    this.source = source;
    this.violations = List.copyOf(violations);
  }

  /** One violation in a configuration built in Java. */
  public ConfigException(String path, String problem) {
    this(null, List.of(new ConfigViolation(path, problem)));
  }

  /** The file the configuration came from, or null when it was built in Java. */
  public String source() {
    return source;
  }

  /** Every violation, in the order found. */
  public List<ConfigViolation> violations() {
    return violations;
  }

  private static String message(String source, List<ConfigViolation> violations) {
    if (source == null && violations.size() == 1) {
      return violations.getFirst().toString();
    }
    StringBuilder text = new StringBuilder("invalid configuration");
    if (source != null) {
      text.append(" in ").append(source);
    }
    text.append(" (")
        .append(violations.size())
        .append(violations.size() == 1 ? " problem" : " problems")
        .append("):");
    for (ConfigViolation violation : violations) {
      text.append("\n  ").append(violation);
    }
    return text.toString();
  }
}
