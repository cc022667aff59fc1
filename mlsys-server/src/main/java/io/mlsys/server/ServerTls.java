package io.mlsys.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.grpc.util.CertificateUtils;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.mlsys.config.ConfigException;
import io.mlsys.server.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * TLS for both ports from the PEM files of {@code server.tls}: one key manager (and, for client
 * certificates, one trust manager) from grpc-java's {@code AdvancedTls} family serves both the
 * Helidon listener (through a JDK {@link SSLContext}) and the gRPC listener (through Netty's); both
 * ask it at each handshake, so updating it is enough for every new connection to get the current
 * certificate, without a restart (Helidon's {@code reloadTls} is not needed).
 *
 * <p>The files are checked every {@code reload-interval} by content (SHA-256), not by the managers'
 * own file watching: that one polls at most once a minute and takes a key and a certificate read in
 * the middle of a replacement. Here a certificate whose key does not match is not served; the
 * previous pair stays until the files agree again.
 */
final class ServerTls implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ServerTls.class.getName());
  private static final byte[] PROBE = "mlsys-tls-key-check".getBytes(StandardCharsets.US_ASCII);

  private final TlsConfig config;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final ScheduledExecutorService reloader;
  // Touched by the reloader thread only (and the constructor before it starts).
  private byte[] seen;

  private ServerTls(TlsConfig config) {
    this.config = config;
    if (!config.enabled()) {
      keyManager = null;
      trustManager = null;
      reloader = null;
      return;
    }
    keyManager = new AdvancedTlsX509KeyManager();
    try {
      trustManager =
          config.clientCa() == null
              ? null
              : AdvancedTlsX509TrustManager.newBuilder()
                  // A client certificate names a client, not a host to check.
                  .setVerification(
                      AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                  .build();
    } catch (CertificateException e) {
      throw new IllegalStateException("TLS trust manager", e);
    }
    byte[] digest = digestOfFiles();
    String problem = load();
    if (problem != null) {
      throw new ConfigException("server.tls", problem);
    }
    seen = digest;
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mlsys-tls-reload").factory());
    long period = config.reloadInterval().toNanos();
    reloader.scheduleWithFixedDelay(this::reloadIfChanged, period, period, TimeUnit.NANOSECONDS);
  }

  private void reloadIfChanged() {
    byte[] digest;
    try {
      digest = digestOfFiles();
    } catch (UncheckedIOException e) {
      return; // Mid-replacement (a file briefly missing): the next check reads it again.
    }
    if (Arrays.equals(digest, seen)) {
      return;
    }
    seen = digest;
    String problem = load();
    if (problem == null) {
      LOG.log(Level.INFO, "server.tls: reloaded " + config.certificate());
    } else {
      LOG.log(Level.WARNING, "server.tls: still serving the previous certificate: " + problem);
    }
  }

  /** Reads the files into the managers; the problem when they cannot be used, else null. */
  private String load() {
    X509Certificate[] chain;
    PrivateKey key;
    try (InputStream in = Files.newInputStream(config.certificate())) {
      chain = CertificateUtils.getX509Certificates(in);
    } catch (IOException | GeneralSecurityException e) {
      return "certificate " + config.certificate() + ": " + e.getMessage() + " (expected: PEM)";
    }
    if (chain.length == 0) {
      return "certificate " + config.certificate() + ": no certificate (expected: PEM)";
    }
    try (InputStream in = Files.newInputStream(config.key())) {
      key = CertificateUtils.getPrivateKey(in);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      return "key "
          + config.key()
          + ": "
          + e.getMessage()
          + " (expected: an unencrypted PKCS#8 PEM private key)";
    }
    if (!matches(key, chain[0])) {
      return "key " + config.key() + " is not the key of " + config.certificate();
    }
    if (trustManager != null) {
      try (InputStream in = Files.newInputStream(config.clientCa())) {
        trustManager.updateTrustCredentials(CertificateUtils.getX509Certificates(in));
      } catch (IOException | GeneralSecurityException e) {
        return "client-ca " + config.clientCa() + ": " + e.getMessage() + " (expected: PEM)";
      }
    }
    keyManager.updateIdentityCredentials(chain, key);
    return null;
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate certificate) {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          default -> null;
        };
    if (algorithm == null) {
      return true; // Cannot check; the handshake will tell.
    }
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private byte[] digestOfFiles() {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(Files.readAllBytes(config.certificate()));
      digest.update(Files.readAllBytes(config.key()));
      if (config.clientCa() != null) {
        digest.update(Files.readAllBytes(config.clientCa()));
      }
      return digest.digest();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * TLS as {@code config} says; plain text when it names no certificate.
   *
   * @throws ConfigException when a file cannot be read as PEM
   */
  static ServerTls create(TlsConfig config) {
    return new ServerTls(config);
  }

  boolean enabled() {
    return config.enabled();
  }

  /** The Helidon listener's TLS: disabled when off. */
  Tls helidonTls() {
    if (!config.enabled()) {
      return Tls.builder().enabled(false).build();
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          new KeyManager[] {keyManager},
          trustManager == null ? null : new TrustManager[] {trustManager},
          null);
      return Tls.builder()
          .sslContext(context)
          .clientAuth(
              switch (config.clientAuth()) {
                case NONE -> TlsClientAuth.NONE;
                case OPTIONAL -> TlsClientAuth.OPTIONAL;
                case REQUIRED -> TlsClientAuth.REQUIRED;
              })
          .build();
    } catch (NoSuchAlgorithmException | KeyManagementException e) {
      throw new IllegalStateException("TLS is part of every JDK", e);
    }
  }

  /** The gRPC listener's TLS, null for plain text. */
  SslContext grpcSslContext() {
    if (!config.enabled()) {
      return null;
    }
    SslContextBuilder ssl = GrpcSslContexts.configure(SslContextBuilder.forServer(keyManager));
    if (trustManager != null) {
      ssl.trustManager(trustManager);
    }
    ssl.clientAuth(
        switch (config.clientAuth()) {
          case NONE -> ClientAuth.NONE;
          case OPTIONAL -> ClientAuth.OPTIONAL;
          case REQUIRED -> ClientAuth.REQUIRE;
        });
    try {
      return ssl.build();
    } catch (SSLException e) {
      throw new IllegalStateException("gRPC TLS", e);
    }
  }

  /** Stops watching the files. */
  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
