package io.mlsys.server;

import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.mlsys.config.ConfigException;
import io.mlsys.config.TlsConfig;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
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
 * Helidon listener (through a JDK {@link SSLContext}) and the gRPC listener (through Netty's). Each
 * re-reads its files when they change, checked every {@code reload-interval}, so every new
 * connection gets the current certificate without a restart; Helidon's own {@code reloadTls} is not
 * needed since its engines ask the key manager at each handshake.
 */
final class ServerTls implements AutoCloseable {
  private final TlsConfig config;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final ScheduledExecutorService reloader;
  private final List<AutoCloseable> watches = new ArrayList<>();

  private ServerTls(TlsConfig config) {
    this.config = config;
    if (!config.enabled()) {
      keyManager = null;
      trustManager = null;
      reloader = null;
      return;
    }
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("mlsys-tls-reload").factory());
    long period = config.reloadInterval().toNanos();
    try {
      keyManager = new AdvancedTlsX509KeyManager();
      try {
        watches.add(
            keyManager.updateIdentityCredentials(
                config.certificate().toFile(),
                config.key().toFile(),
                period,
                TimeUnit.NANOSECONDS,
                reloader));
      } catch (IOException | GeneralSecurityException e) {
        throw new ConfigException(
            "server.tls",
            "certificate "
                + config.certificate()
                + " and key "
                + config.key()
                + " cannot be read: "
                + e.getMessage()
                + " (expected: a PEM certificate chain and its PEM private key)");
      }
      if (config.clientCa() != null) {
        trustManager =
            AdvancedTlsX509TrustManager.newBuilder()
                // A client certificate names a client, not a host to check.
                .setVerification(
                    AdvancedTlsX509TrustManager.Verification.CERTIFICATE_ONLY_VERIFICATION)
                .build();
        try {
          watches.add(
              trustManager.updateTrustCredentials(
                  config.clientCa().toFile(), period, TimeUnit.NANOSECONDS, reloader));
        } catch (IOException | GeneralSecurityException e) {
          throw new ConfigException(
              "server.tls.client-ca",
              config.clientCa()
                  + " cannot be read: "
                  + e.getMessage()
                  + " (expected: a PEM bundle of CA certificates)");
        }
      } else {
        trustManager = null;
      }
    } catch (GeneralSecurityException e) {
      reloader.shutdownNow();
      throw new IllegalStateException("TLS trust manager", e);
    } catch (RuntimeException e) {
      reloader.shutdownNow();
      throw e;
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
    if (reloader == null) {
      return;
    }
    for (AutoCloseable watch : watches) {
      try {
        watch.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    reloader.shutdownNow();
  }
}
