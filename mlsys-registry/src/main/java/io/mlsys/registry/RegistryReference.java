package io.mlsys.registry;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNames;

/**
 * A model version named in the registry: {@code name@alias} (follows the alias) or {@code
 * name/version} (pinned).
 *
 * @param alias the alias, or null when pinned
 * @param version the version number, or 0 when following an alias
 */
public record RegistryReference(String model, String alias, long version) {

  /**
   * @throws InvalidInputException naming {@code field} when {@code text} is neither form
   */
  public static RegistryReference parse(String text, String field) {
    String expected = " (expected name@alias, e.g. iris@champion, or name/version, e.g. iris/3)";
    if (text == null || text.isBlank()) {
      throw new InvalidInputException(field, "empty registry reference" + expected);
    }
    int at = text.indexOf('@');
    int slash = text.lastIndexOf('/');
    if (at > 0 && slash < 0 && at < text.length() - 1) {
      String alias = text.substring(at + 1);
      if (!alias.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}")) {
        throw new InvalidInputException(field, "alias '" + alias + "' is not valid" + expected);
      }
      return new RegistryReference(checkedName(text.substring(0, at), field), alias, 0);
    }
    if (slash > 0 && at < 0 && slash < text.length() - 1) {
      String number = text.substring(slash + 1);
      long version;
      try {
        version = Long.parseLong(number);
      } catch (NumberFormatException e) {
        version = 0;
      }
      if (version < 1) {
        throw new InvalidInputException(
            field, "version '" + number + "' is not a positive number" + expected);
      }
      return new RegistryReference(checkedName(text.substring(0, slash), field), null, version);
    }
    throw new InvalidInputException(field, "'" + text + "' is not a registry reference" + expected);
  }

  private static String checkedName(String name, String field) {
    if (!ModelNames.isValidName(name)) {
      throw new InvalidInputException(
          field,
          "model name '" + name + "' is not valid (expected " + ModelNames.EXPECTED_NAME + ")");
    }
    return name;
  }

  public boolean followsAlias() {
    return alias != null;
  }

  @Override
  public String toString() {
    return alias != null ? model + "@" + alias : model + "/" + version;
  }
}
