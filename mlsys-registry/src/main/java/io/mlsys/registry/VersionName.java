package io.mlsys.registry;

import io.mlsys.core.InvalidInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalog's version name {@code x.y.z-data.split}: release, interface and logic versions of the
 * model, then the version of the data retrieval and of the train/test split it was trained on. For
 * example {@code 1.2.0-3.1}.
 */
public record VersionName(int release, int interfaceVersion, int logic, int data, int split)
    implements Comparable<VersionName> {
  private static final Pattern FORMAT =
      Pattern.compile("(\\d{1,9})\\.(\\d{1,9})\\.(\\d{1,9})-(\\d{1,9})\\.(\\d{1,9})");

  public VersionName {
    if (release < 0 || interfaceVersion < 0 || logic < 0 || data < 0 || split < 0) {
      throw new IllegalArgumentException("version name parts must be >= 0");
    }
  }

  /**
   * Parses {@code x.y.z-data.split}.
   *
   * @throws InvalidInputException naming {@code field} when the text is not of that form
   */
  public static VersionName parse(String text, String field) {
    Matcher matcher = text == null ? null : FORMAT.matcher(text);
    if (matcher == null || !matcher.matches()) {
      throw new InvalidInputException(
          field,
          "'"
              + text
              + "' is not a version name (expected x.y.z-data.split: release.interface.logic, then"
              + " data retrieval version and split version, each a number; e.g. 1.2.0-3.1)");
    }
    return new VersionName(
        Integer.parseInt(matcher.group(1)),
        Integer.parseInt(matcher.group(2)),
        Integer.parseInt(matcher.group(3)),
        Integer.parseInt(matcher.group(4)),
        Integer.parseInt(matcher.group(5)));
  }

  @Override
  public int compareTo(VersionName other) {
    int[] mine = {release, interfaceVersion, logic, data, split};
    int[] theirs = {other.release, other.interfaceVersion, other.logic, other.data, other.split};
    return java.util.Arrays.compare(mine, theirs);
  }

  @Override
  public String toString() {
    return release + "." + interfaceVersion + "." + logic + "-" + data + "." + split;
  }
}
