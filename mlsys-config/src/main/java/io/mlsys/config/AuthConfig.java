package io.mlsys.config;

/**
 * Who may call which endpoint: bearer tokens mapped to identities and roles ({@code server.auth:}
 * in mlsys.yaml).
 */
public record AuthConfig() {

  /** Every default. */
  public static AuthConfig defaults() {
    return new AuthConfig();
  }
}
