package io.mlsys.config;

/** TLS on both ports from PEM files ({@code server.tls:} in mlsys.yaml). */
public record TlsConfig() {

  /** Every default. */
  public static TlsConfig defaults() {
    return new TlsConfig();
  }
}
