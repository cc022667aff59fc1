package io.mlsys.repository;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigText;
import io.mlsys.config.Violations;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which versions of a repository model are served (Triton's version_policy). In YAML exactly one of
 * {@code latest: N}, {@code all: {}} or {@code specific: [versions]}.
 */
public sealed interface VersionPolicy {

  /**
   * The {@code count} highest numbered versions; the default is {@code latest: 1}.
   *
   * @param count at least 1
   */
  record Latest(int count) implements VersionPolicy {
    static final String EXPECTED = "an integer >= 1";

    /**
     * @throws ConfigException when count is below 1
     */
    public Latest {
      if (count < 1) {
        throw new ConfigException("", count + " (expected: " + EXPECTED + ")");
      }
    }
  }

  /** Every version in the folder. */
  record All() implements VersionPolicy {}

  /**
   * Exactly these versions.
   *
   * @param versions positive integers as text, at least one, no repeats
   */
  record Specific(@ConfigText List<String> versions) implements VersionPolicy {
    /**
     * @throws ConfigException listing every invalid version
     */
    public Specific {
      Violations violations = new Violations();
      if (versions == null || versions.isEmpty()) {
        violations.invalid("", versions, "a non-empty list of versions");
        violations.throwIfAny(null);
      }
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < versions.size(); i++) {
        String version = versions.get(i);
        String path = "[" + i + "]";
        if (!ModelConfig.isValidVersion(version)) {
          violations.invalid(path, version, ModelConfig.EXPECTED_VERSION);
        } else if (!seen.add(version)) {
          violations.invalid(path, version, "each version once");
        }
      }
      violations.throwIfAny(null);
      versions = List.copyOf(versions);
    }
  }

  /** {@code latest: 1}: only the highest version. */
  static VersionPolicy defaultPolicy() {
    return new Latest(1);
  }
}
