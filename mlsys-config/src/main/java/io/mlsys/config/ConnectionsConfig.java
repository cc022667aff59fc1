package io.mlsys.config;

/** Limits and timeouts of the HTTP connections ({@code server.connections:} in mlsys.yaml). */
public record ConnectionsConfig() {

  /** Every default. */
  public static ConnectionsConfig defaults() {
    return new ConnectionsConfig();
  }
}
