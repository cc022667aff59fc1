package io.mlsys.config;

/** Cross-origin requests from browsers ({@code server.cors:} in mlsys.yaml). */
public record CorsConfig() {

  /** Every default. */
  public static CorsConfig defaults() {
    return new CorsConfig();
  }
}
