package io.mlsys.core;

import java.util.regex.Pattern;

/**
 * What names and versions of models and graphs look like: they become folder names and URL path
 * segments ({@code /v2/models/<name>/versions/<version>}), so one rule holds everywhere.
 */
public final class ModelNames {
  /** A model or graph name. */
  public static final Pattern NAME_PATTERN = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

  /** The name rule in words. */
  public static final String EXPECTED_NAME =
      "1 to 128 letters, digits, '_', '.' or '-', not starting with '.'";

  /** The version rule in words. */
  public static final String EXPECTED_VERSION = "a positive integer such as 1 or \"2\"";

  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

  private ModelNames() {}

  /** Whether {@code name} may name a model or graph. */
  public static boolean isValidName(String name) {
    return name != null && NAME_PATTERN.matcher(name).matches();
  }

  /** Whether {@code version} is a positive integer written without leading zeros. */
  public static boolean isValidVersion(String version) {
    return version != null && VERSION.matcher(version).matches();
  }
}
