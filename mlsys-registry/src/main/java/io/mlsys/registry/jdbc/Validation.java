package io.mlsys.registry.jdbc;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;
import java.util.regex.Pattern;

/** MLflow's limits and name rules, checked before anything is written. */
final class Validation {
  // From MLflow's mlflow/utils/validation.py.
  static final int MAX_ENTITY_KEY_LENGTH = 250;
  static final int MAX_PARAM_VAL_LENGTH = 6000;
  static final int MAX_TAG_VAL_LENGTH = 5000;
  static final int MAX_EXPERIMENT_NAME_LENGTH = 500;
  static final int MAX_REGISTRY_TAG_KEY_LENGTH = 250;
  static final int MAX_REGISTRY_TAG_VALUE_LENGTH = 5000;
  static final int MAX_ALIAS_LENGTH = 255;
  static final int MAX_METRICS_PER_BATCH = 1000;
  static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  static final int MAX_ENTITIES_PER_BATCH = 1000;

  private static final Pattern KEY =
      Pattern.compile("[/\\w.\\- ]+", Pattern.UNICODE_CHARACTER_CLASS);
  // MLflow's alias rule ([\w-]) within what a registry reference (name@alias) can name.
  private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_-]*");
  private static final Pattern VERSION_ALIAS = Pattern.compile("[vV]\\d+");

  private Validation() {}

  static String modelName(String field, String name) {
    if (!ModelNames.isValidName(name)) {
      throw new InvalidInputException(
          field,
          (name == null ? "missing" : "'" + name + "' is not a valid model name")
              + " (expected "
              + ModelNames.EXPECTED_NAME
              + ")");
    }
    return name;
  }

  static void version(long version) {
    if (version < 1) {
      throw new InvalidInputException(
          "version", version + " is not a version number (expected an integer >= 1)");
    }
  }

  static String alias(String alias) {
    if (alias == null || alias.isEmpty()) {
      throw new InvalidInputException("alias", "missing (expected a name such as champion)");
    }
    if (alias.length() > MAX_ALIAS_LENGTH || !ALIAS.matcher(alias).matches()) {
      throw new InvalidInputException(
          "alias",
          "'"
              + alias
              + "' is not a valid alias (expected 1 to 255 letters, digits, '_' or '-', not"
              + " starting with '-')");
    }
    if (alias.equalsIgnoreCase("latest") || VERSION_ALIAS.matcher(alias).matches()) {
      throw new InvalidInputException(
          "alias", "'" + alias + "' is reserved (latest and v<number> name versions)");
    }
    return alias;
  }

  /** A tag, param or metric key: MLflow's characters, at most {@code maxLength}, no path tricks. */
  static String key(String field, String key, int maxLength) {
    if (key == null || key.isEmpty()) {
      throw new InvalidInputException(field, "missing (expected a key name)");
    }
    if (!KEY.matcher(key).matches()) {
      throw new InvalidInputException(
          field,
          "'"
              + key
              + "' has characters a key may not have (expected letters, digits, '_', '-', '.',"
              + " ' ' and '/')");
    }
    if (key.startsWith("/")
        || key.equals(".")
        || key.startsWith("../")
        || key.equals("..")
        || key.contains("/../")
        || key.contains("//")
        || key.endsWith("/")
        || key.contains("/./")
        || key.startsWith("./")
        || key.endsWith("/.")
        || key.endsWith("/..")) {
      throw new InvalidInputException(
          field, "'" + key + "' would name another key as a path (expected a normalized path)");
    }
    length(field, key, maxLength);
    return key;
  }

  static String length(String field, String value, int maxLength) {
    if (value != null && value.length() > maxLength) {
      throw new InvalidInputException(
          field,
          "length "
              + value.length()
              + " exceeds the limit of "
              + maxLength
              + " characters (value starts '"
              + value.substring(0, Math.min(value.length(), 40))
              + "')");
    }
    return value;
  }

  static void maxResults(int maxResults, int limit) {
    if (maxResults < 1 || maxResults > limit) {
      throw new InvalidInputException(
          "max_results", maxResults + " (expected an integer from 1 to " + limit + ")");
    }
  }
}
