package io.mlsys.config;

import java.util.List;

/** Which versions of a repository model are served (Triton's version_policy). */
public sealed interface VersionPolicy {

  /** The {@code count} highest numbered versions; the default is {@code latest: 1}. */
  record Latest(int count) implements VersionPolicy {}

  /** Every version in the folder. */
  record All() implements VersionPolicy {}

  /** Exactly these versions. */
  record Specific(List<String> versions) implements VersionPolicy {
    public Specific {
      versions = List.copyOf(versions);
    }
  }

  static VersionPolicy defaultPolicy() {
    return new Latest(1);
  }
}
