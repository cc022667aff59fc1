package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mlsys.server.config.ConnectionsConfig;
import io.mlsys.testing.StubModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connection hardening over raw sockets: timeouts for idle and slow clients, {@code Connection:
 * close}, broken chunked framing, aborted bodies, HEAD and matrix parameters.
 */
class ConnectionLimitsTest {
  private static final long LIMIT = 1024;

  /** Short timeouts, so that a slow client is closed quickly; the idle one long but below 10 s. */
  private static final ConnectionsConfig TIMEOUTS =
      new ConnectionsConfig(
          1000, 0, Duration.ofMillis(1500), Duration.ofMillis(500), Duration.ofMillis(500));

  /** How long a test waits for the server at most: generous, for a loaded machine. */
  private static final int WAIT_MILLIS = 10_000;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
                  .config(MlsysServerExtension.config(LIMIT, null).withConnections(TIMEOUTS)));

  private final List<LogRecord> warnings = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            synchronized (warnings) {
              warnings.add(record);
            }
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureWarnings() {
    Logger.getLogger("io.mlsys.server").addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    Logger.getLogger("io.mlsys.server").removeHandler(capture);
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(WAIT_MILLIS);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Everything until the server closes; fails with SocketTimeoutException if it does not. */
  private static String readUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read.write(buffer, 0, n);
      }
    } catch (SocketException e) {
      // Reset by the server: closed as well.
    }
    return read.toString(StandardCharsets.ISO_8859_1);
  }

  private String exchange(String request) throws IOException {
    try (Socket socket = connect()) {
      send(socket, request);
      return readUntilClosed(socket);
    }
  }

  private List<LogRecord> warnings() {
    synchronized (warnings) {
      return List.copyOf(warnings);
    }
  }

  @Test
  void connectionCloseFromTheClientClosesTheSocketAfterTheAnswer() throws Exception {
    String response =
        exchange("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ");
    assertThat(response.toLowerCase()).contains("connection: close");
  }

  @Test
  void anIdleConnectionIsClosed() throws Exception {
    try (Socket socket = connect()) {
      assertThatCode(() -> readUntilClosed(socket)).doesNotThrowAnyException();
    }
  }

  @Test
  void aClientTricklingItsHeadersIsClosed() throws Exception {
    try (Socket socket = connect()) {
      send(socket, "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n");
      Thread trickle =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < 200; i++) {
                        send(socket, "X");
                        Thread.sleep(100);
                      }
                    } catch (IOException | InterruptedException e) {
                      // closed by the server
                    }
                  });
      String response = readUntilClosed(socket);
      trickle.interrupt();

      assertThat(response).doesNotStartWith("HTTP/1.1 200");
    }
  }

  @Test
  void aClientStallingMidBodyIsClosed() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"inputs\"");

      assertThatCode(() -> readUntilClosed(socket)).doesNotThrowAnyException();
    }
    assertThat(warnings()).isEmpty();
    assertThat(server.get("/metrics").body()).doesNotContain("status=\"500\"");
  }

  @Test
  void aMalformedChunkSizeIsA400WithoutWarningsOrA5xxInTheMetrics() throws Exception {
    String response =
        exchange(
            "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(response).contains("malformed chunked encoding");
    assertThat(response.toLowerCase()).contains("connection: close");
    assertThat(warnings()).isEmpty();
    assertThat(server.get("/metrics").body())
        .contains("status=\"400\"")
        .doesNotContain("status=\"500\"");
  }

  @Test
  void aMalformedChunkSizeIsAnsweredWithoutWaitingForMoreData() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
      // Nothing more comes: the answer must not wait for another line.
      assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 400 ");
    }
  }

  @Test
  void aChunkOverTheLimitIsRefusedAtOnce() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Transfer-Encoding: chunked\r\n\r\n7FFFFFFF\r\n");
      // The client sends nothing more: the server must not wait for the chunk.
      assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 413 ");
    }
    assertThat(warnings()).isEmpty();
    assertThat(server.get("/metrics").body()).doesNotContain("status=\"500\"");
  }

  @Test
  void aClientAbortingMidBodyIsClosedQuietly() throws Exception {
    try (Socket socket = connect()) {
      send(
          socket,
          "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{\"inputs\"");
      socket.shutdownOutput();
      readUntilClosed(socket);
    }
    // The server notices the abort asynchronously; the next request is answered after it.
    assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(warnings()).isEmpty();
    assertThat(server.get("/metrics").body()).doesNotContain("status=\"500\"");
  }

  @Test
  void headIsServedWhereGetIs() throws Exception {
    for (String path : List.of("/v2/health/live", "/v2/health/ready", "/v2/models/iris")) {
      String response =
          exchange("HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(response).as(path).startsWith("HTTP/1.1 200 ");
      assertThat(response).as(path).endsWith("\r\n\r\n");
    }
  }

  @Test
  void matrixParametersAreRefusedNamingTheSegment() throws Exception {
    String infer =
        exchange(
            "POST /v2/models/iris;x=1/infer HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    String unload =
        exchange(
            "POST /v2/repository/models/iris;rm/unload HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\nContent-Length: 0\r\n\r\n");

    assertThat(infer).startsWith("HTTP/1.1 400 ").contains("segment 'iris;x=1'");
    assertThat(unload).startsWith("HTTP/1.1 400 ").contains("segment 'iris;rm'");
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }
}
