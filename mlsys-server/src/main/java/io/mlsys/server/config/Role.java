package io.mlsys.server.config;

import java.util.Locale;
import java.util.Optional;

/**
 * What an identity may do: {@code manage} implies {@code infer}, which implies {@code read}.
 * Written in lower case in mlsys.yaml and in the tokens file.
 */
public enum Role {
  /** Server and model metadata, model lists, statistics, metrics. */
  READ,
  /** Inference, and everything {@link #READ} allows. */
  INFER,
  /** State changes (repository index, load, unload, graph parameters), and everything else. */
  MANAGE;

  static final String EXPECTED = "one of: read, infer, manage";

  /** Whether this role allows what {@code required} allows. */
  public boolean implies(Role required) {
    return compareTo(required) >= 0;
  }

  /** The name as written in config: {@code read}, {@code infer} or {@code manage}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role written as {@code text} ({@code read}, {@code infer}, {@code manage}), if any. */
  public static Optional<Role> parse(String text) {
    for (Role role : values()) {
      if (role.key().equals(text)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
