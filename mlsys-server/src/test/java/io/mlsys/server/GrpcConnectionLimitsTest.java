package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.GrpcConfig;
import io.mlsys.testing.StubModel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * grpc-java's connection limits as configured, seen from a raw HTTP/2 client: the stream limit is
 * advertised and enforced, a rapid-reset flood ends the connection with GOAWAY, and neither fills
 * the log with stack traces.
 */
class GrpcConnectionLimitsTest {
  private static final String INFER = "/inference.GRPCInferenceService/ModelInfer";
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

  private final StubModel model = StubModel.echo(Stubs.metadata("iris", "1"));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(model))
                  .grpcPort(0)
                  .config(
                      MlsysServerExtension.config()
                          .withGrpc(
                              GrpcConfig.defaults()
                                  .withMaxConcurrentCallsPerConnection(3)
                                  .withMaxRstFrames(5, Duration.ofSeconds(60)))));

  private final LogRecorder logs = new LogRecorder("");

  @BeforeEach
  void captureLogs() {
    logs.start();
  }

  @AfterEach
  void stopCapturing() {
    logs.stop();
  }

  @Test
  void streamLimitIsAdvertisedInSettings() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(server.server().grpcPort(), READ_TIMEOUT)) {
      RawHttp2Client.Frame settings = client.readUntil(RawHttp2Client.SETTINGS, 0);

      assertThat(settings.setting(RawHttp2Client.SETTINGS_MAX_CONCURRENT_STREAMS)).isEqualTo(3);
    }
  }

  @Test
  void streamBeyondTheLimitIsRefused() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(server.server().grpcPort(), READ_TIMEOUT)) {
      client.readUntil(RawHttp2Client.SETTINGS, 0);
      // Four calls left open (no END_STREAM): the fourth is one too many.
      for (int stream = 1; stream <= 7; stream += 2) {
        client.send(
            RawHttp2Client.HEADERS,
            RawHttp2Client.FLAG_END_HEADERS,
            stream,
            RawHttp2Client.grpcHeaders(INFER));
      }

      RawHttp2Client.Frame reset = client.readUntil(RawHttp2Client.RST_STREAM, 7);

      assertThat(reset.int32(0)).isEqualTo(RawHttp2Client.REFUSED_STREAM);
    }
    assertThat(logs.withStackTrace()).isEmpty();
  }

  @Test
  void rapidResetFloodEndsInGoAway() throws Exception {
    try (RawHttp2Client client = new RawHttp2Client(server.server().grpcPort(), READ_TIMEOUT)) {
      client.readUntil(RawHttp2Client.SETTINGS, 0);
      // HEADERS + DATA + RST_STREAM for one more stream than allowed, in one small burst the
      // server reads at once (were some left unread when it closes, the client would get a TCP
      // reset instead of the GOAWAY).
      ByteArrayOutputStream burst = new ByteArrayOutputStream();
      byte[] message = RawHttp2Client.grpcMessage(new byte[0]);
      for (int i = 0; i < 6; i++) {
        int stream = 1 + 2 * i;
        RawHttp2Client.writeFrame(
            burst,
            RawHttp2Client.HEADERS,
            RawHttp2Client.FLAG_END_HEADERS,
            stream,
            RawHttp2Client.grpcHeaders(INFER));
        RawHttp2Client.writeFrame(
            burst, RawHttp2Client.DATA, RawHttp2Client.FLAG_END_STREAM, stream, message);
        RawHttp2Client.writeFrame(
            burst,
            RawHttp2Client.RST_STREAM,
            0,
            stream,
            RawHttp2Client.errorCode(RawHttp2Client.CANCEL));
      }
      try {
        client.sendAll(burst.toByteArray());
      } catch (java.io.IOException e) {
        // The server may close the connection before it has read the whole burst.
      }

      RawHttp2Client.Frame goAway = client.readGoAwayUntilClosed();

      assertThat(goAway).isNotNull();
      assertThat(goAway.int32(4)).isEqualTo(RawHttp2Client.ENHANCE_YOUR_CALM);
    }
    assertThat(logs.withStackTrace()).isEmpty();
  }
}
