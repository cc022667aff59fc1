package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ServerLiveRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.mlsys.server.config.ConnectionsConfig;
import io.mlsys.server.config.TlsConfig;
import io.mlsys.testing.StubModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code server.tls}: both ports speak TLS with certificates made at test time, client certificates
 * when required, and a replaced certificate served without a restart. REST is called with curl,
 * gRPC with grpc-java's client.
 */
class TlsTest {
  @TempDir Path dir;
  private TestCertificates certificates;
  private Path certificate;
  private Path key;
  private MlsysServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeEach
  void makeCertificates() {
    certificates = new TestCertificates(dir);
    Path[] files = certificates.issue("server", "mlsys-server", true);
    certificate = files[0];
    key = files[1];
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      GrpcInferenceServiceTest.disconnect(channel);
    }
    if (server != null) {
      server.close();
    }
  }

  private MlsysServer start(TlsConfig tls) {
    server =
        MlsysServer.builder()
            .config(MlsysServerExtension.config().withTls(tls))
            .grpcPort(0)
            .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
            .build()
            .start();
    return server;
  }

  private String curl(String... options) {
    List<String> command =
        new ArrayList<>(
            List.of("curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}"));
    command.addAll(List.of(options));
    command.add("https://127.0.0.1:" + server.port() + "/v2/health/ready");
    return TestCertificates.run(command);
  }

  private boolean grpcLive(Path clientCertificate, Path clientKey) throws Exception {
    SslContextBuilder ssl = GrpcSslContexts.forClient().trustManager(certificates.ca.toFile());
    if (clientCertificate != null) {
      ssl.keyManager(clientCertificate.toFile(), clientKey.toFile());
    }
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
            .sslContext(ssl.build())
            .build();
    channels.add(channel);
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS)
        .serverLive(ServerLiveRequest.getDefaultInstance())
        .getLive();
  }

  /** The certificate a TLS handshake with {@code port} shows. */
  private X509Certificate served(int port) throws Exception {
    try (SSLSocket socket =
        (SSLSocket) certificates.trustingCa().getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      socket.setSSLParameters(parameters);
      socket.setSoTimeout(20_000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void restAndGrpcSpeakTls() throws Exception {
    start(TlsConfig.of(certificate, key));

    assertThat(curl("--cacert", certificates.ca.toString())).isEqualTo("200");
    assertThat(grpcLive(null, null)).isTrue();
  }

  @Test
  void aClientThatDoesNotTrustTheCaRefusesTheServer() {
    start(TlsConfig.of(certificate, key));

    assertThatThrownBy(() -> curl()).isInstanceOf(TestCertificates.CommandFailed.class);
  }

  @Test
  void requiredClientCertificatesRejectAClientWithoutOne() throws Exception {
    Path[] client = certificates.issue("client", "alice", false);
    start(
        TlsConfig.of(certificate, key)
            .withClientAuth(TlsConfig.ClientAuth.REQUIRED, certificates.ca));

    assertThatThrownBy(() -> curl("--cacert", certificates.ca.toString()))
        .isInstanceOf(TestCertificates.CommandFailed.class);
    assertThat(
            curl(
                "--cacert",
                certificates.ca.toString(),
                "--cert",
                client[0].toString(),
                "--key",
                client[1].toString()))
        .isEqualTo("200");
    assertThatThrownBy(() -> grpcLive(null, null))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    assertThat(grpcLive(client[0], client[1])).isTrue();
  }

  @Test
  void aReplacedCertificateIsServedWithoutARestart() throws Exception {
    start(TlsConfig.of(certificate, key).withReloadInterval(Duration.ofMillis(100)));
    assertThat(served(server.port()).getSubjectX500Principal().getName())
        .isEqualTo("CN=mlsys-server");

    Path[] renewed = certificates.issue("renewed", "mlsys-renewed", true);
    TestCertificates.replace(renewed[1], key);
    TestCertificates.replace(renewed[0], certificate);

    assertThat(awaitServed(server.port(), "CN=mlsys-renewed")).isTrue();
    assertThat(awaitServed(server.grpcPort(), "CN=mlsys-renewed")).isTrue();
    assertThat(curl("--cacert", certificates.ca.toString())).isEqualTo("200");
    assertThat(grpcLive(null, null)).isTrue();
  }

  private static final byte[] LIVE =
      "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void aConnectionOverTheLimitIsAnswered503OverTls() throws Exception {
    server =
        MlsysServer.builder()
            .config(
                MlsysServerExtension.config()
                    .withTls(TlsConfig.of(certificate, key))
                    .withConnections(new ConnectionsConfig(1, 0, null, null, null)))
            .repository(new TestRepository())
            .build()
            .start();

    try (SSLSocket held = servedTlsSocket();
        SSLSocket over = tlsSocket()) {
      // Over TLS the answer comes once the request starts (Helidon's TLS socket reads first).
      over.getOutputStream().write(LIVE);
      assertThat(new String(over.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 503");
      assertThat(held.isClosed()).isFalse();
    }
  }

  /**
   * A TLS connection that was served a request and stays open. Retried when refused: the listener's
   * watchdog connects once a second, and while it does it holds one of the connections.
   */
  private SSLSocket servedTlsSocket() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      SSLSocket socket = tlsSocket();
      socket.getOutputStream().write(LIVE);
      String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      if (status.equals("HTTP/1.1 200")) {
        return socket;
      }
      socket.close();
      assertThat(System.nanoTime() - deadline).as("served before the deadline").isNegative();
    }
  }

  private SSLSocket tlsSocket() throws Exception {
    SSLSocket socket =
        (SSLSocket)
            certificates.trustingCa().getSocketFactory().createSocket("127.0.0.1", server.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Polls (new connections) until {@code port} serves {@code subject}, for up to 30 s. */
  private boolean awaitServed(int port, String subject) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (served(port).getSubjectX500Principal().getName().equals(subject)) {
          return true;
        }
      } catch (javax.net.ssl.SSLException e) {
        // A key and certificate read mid-swap; the next check reads both again.
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }
}
