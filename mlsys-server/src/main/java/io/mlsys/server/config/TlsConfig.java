package io.mlsys.server.config;

import io.mlsys.config.ConfigDefaults;
import io.mlsys.config.ConfigException;
import io.mlsys.config.Durations;
import io.mlsys.config.Violations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * TLS on both ports from PEM files ({@code server.tls:} in mlsys.yaml); plain text when no
 * certificate is given. The files are read again when they change (checked every {@code
 * reloadInterval}), so a renewed certificate is served without a restart.
 *
 * @param certificate the server's certificate chain (PEM), leaf first; null for no TLS
 * @param key the private key of the certificate (PEM, PKCS#8 or PKCS#1/SEC1 unencrypted); required
 *     with a certificate
 * @param clientCa the CA bundle (PEM) client certificates are checked against; required when {@code
 *     clientAuth} is not {@link ClientAuth#NONE}
 * @param clientAuth whether clients must present a certificate; null means {@link ClientAuth#NONE}
 * @param reloadInterval how often the files are checked for changes (> 0); null means {@link
 *     #DEFAULT_RELOAD_INTERVAL}
 */
public record TlsConfig(
    Path certificate, Path key, Path clientCa, ClientAuth clientAuth, Duration reloadInterval) {

  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofMinutes(1);

  static final String EXPECTED_FILE = "a readable PEM file";
  static final String EXPECTED_CLIENT_AUTH = "one of: none, optional, required";
  static final String EXPECTED_RELOAD_INTERVAL = Durations.EXPECTED + ", > 0";

  /** Client certificates (mutual TLS). */
  public enum ClientAuth {
    /** Not asked for. */
    NONE,
    /** Asked for and checked when given; a client without one is still served. */
    OPTIONAL,
    /** Required: a client without a certificate signed by the client CA is refused. */
    REQUIRED;

    /** The name as written in config. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @throws ConfigException when the key is missing, or client certificates are asked for without a
   *     CA bundle or without TLS
   */
  public TlsConfig {
    clientAuth = Objects.requireNonNullElse(clientAuth, ClientAuth.NONE);
    reloadInterval = Objects.requireNonNullElse(reloadInterval, DEFAULT_RELOAD_INTERVAL);
    Violations violations = new Violations();
    if (certificate != null) {
      violations.check(key != null, "key", null, "the private key of the certificate (a PEM file)");
    } else {
      violations.check(key == null, "certificate", null, "the certificate chain of the key");
      violations.check(
          clientCa == null && clientAuth == ClientAuth.NONE,
          "certificate",
          null,
          "a certificate chain: client certificates need TLS");
    }
    violations.check(
        clientAuth == ClientAuth.NONE || clientCa != null,
        "client-ca",
        null,
        "the CA bundle client certificates are checked against when client-auth is "
            + clientAuth.key());
    readable(violations, "certificate", certificate);
    readable(violations, "key", key);
    readable(violations, "client-ca", clientCa);
    violations.check(
        !reloadInterval.isNegative() && !reloadInterval.isZero(),
        "reload-interval",
        reloadInterval,
        EXPECTED_RELOAD_INTERVAL);
    violations.throwIfAny(null);
  }

  private static void readable(Violations violations, String key, Path file) {
    if (file != null) {
      violations.check(
          Files.isRegularFile(file) && Files.isReadable(file), key, file.toString(), EXPECTED_FILE);
    }
  }

  /** Plain text. */
  @ConfigDefaults
  public static TlsConfig defaults() {
    return new TlsConfig(null, null, null, ClientAuth.NONE, DEFAULT_RELOAD_INTERVAL);
  }

  /** TLS from these files, no client certificates. */
  public static TlsConfig of(Path certificate, Path key) {
    return new TlsConfig(certificate, key, null, ClientAuth.NONE, DEFAULT_RELOAD_INTERVAL);
  }

  /** Whether TLS is on. */
  public boolean enabled() {
    return certificate != null;
  }

  public TlsConfig withClientAuth(ClientAuth newClientAuth, Path newClientCa) {
    return new TlsConfig(certificate, key, newClientCa, newClientAuth, reloadInterval);
  }

  public TlsConfig withReloadInterval(Duration newReloadInterval) {
    return new TlsConfig(certificate, key, clientCa, clientAuth, newReloadInterval);
  }
}
