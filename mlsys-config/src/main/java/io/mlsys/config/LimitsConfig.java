package io.mlsys.config;

/**
 * Bounds on the work one request, and all requests together, may take ({@code server.limits:} in
 * mlsys.yaml).
 */
public record LimitsConfig() {

  /** Every default. */
  public static LimitsConfig defaults() {
    return new LimitsConfig();
  }
}
