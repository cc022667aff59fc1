package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.ConnectionsConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Connections over {@code server.connections.max-connections} are answered {@code 503} at once and
 * closed, instead of waiting in the kernel's listen backlog; those under it are served as before.
 */
class ConnectionRefusalTest {
  private static final int MAX_CONNECTIONS = 3;

  /** The deadline of every read: an answer that does not come within it fails the test. */
  private static final int WAIT_MILLIS = 5_000;

  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository())
                  .config(
                      MlsysServerExtension.config()
                          .withConnections(
                              new ConnectionsConfig(MAX_CONNECTIONS, 0, null, null, null))));

  private final List<Socket> held = new ArrayList<>();

  @AfterEach
  void closeHeld() throws IOException {
    for (Socket socket : held) {
      socket.close();
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    socket.setSoTimeout(WAIT_MILLIS);
    return socket;
  }

  /** One keep-alive request on the socket; its whole answer (head and body). */
  private static String get(Socket socket, String path) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return readResponse(socket.getInputStream());
  }

  /** One answer with a Content-Length, read without waiting for the connection to close. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the end of the headers: " + head);
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String headText = head.toString(StandardCharsets.ISO_8859_1);
    Matcher length = CONTENT_LENGTH.matcher(headText);
    assertThat(length.find()).as("Content-Length in %s", headText).isTrue();
    byte[] body = in.readNBytes(Integer.parseInt(length.group(1)));
    return headText + new String(body, StandardCharsets.UTF_8);
  }

  /** Everything until the server closes; fails with SocketTimeoutException if it does not. */
  private static String readUntilClosed(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  /**
   * A connection that was served a request and stays open. Retried when refused: the listener's
   * watchdog connects once a second, and while it does it holds one of the connections.
   */
  private Socket served() throws IOException {
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
    while (true) {
      Socket socket = connect();
      String response = get(socket, "/v2/health/live");
      if (response.startsWith("HTTP/1.1 200 ")) {
        return socket;
      }
      socket.close();
      assertThat(System.nanoTime() - deadline).as("served before the deadline").isNegative();
    }
  }

  /** Holds {@value #MAX_CONNECTIONS} open connections, each served once. */
  private void holdEveryConnection() throws IOException {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      held.add(served());
    }
  }

  private static double metric(String metrics, String series) {
    Matcher matcher =
        Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    assertThat(matcher.find()).as("%s in the metrics", series).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  @Test
  void aConnectionOverTheLimitIsAnswered503AtOnceWithoutSendingARequest() throws Exception {
    holdEveryConnection();

    try (Socket over = connect()) {
      String response = readResponse(over.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 503 ");
      assertThat(response.toLowerCase())
          .contains("retry-after: 1\r\n")
          .contains("connection: close\r\n")
          .contains("content-type: application/json\r\n");
      assertThat(response)
          .contains("at most " + MAX_CONNECTIONS + " (server.connections.max-connections)");
      // The client is done: the server closes its side at once.
      over.shutdownOutput();
      assertThat(over.getInputStream().read()).isEqualTo(-1);
    }
    String metrics = get(held.get(0), "/metrics");
    assertThat(metric(metrics, "mlsys_connections_refused_total{transport=\"http\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(metric(metrics, "mlsys_connections_open{transport=\"http\"}"))
        .isEqualTo(MAX_CONNECTIONS);
  }

  @Test
  void aRefusedClientThatSentARequestGetsTheAnswerAndIsClosed() throws Exception {
    holdEveryConnection();

    try (Socket over = connect()) {
      over.getOutputStream()
          .write(
              "POST /v2/repository/index HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                  .getBytes(StandardCharsets.US_ASCII));

      String response = readUntilClosed(over.getInputStream());

      assertThat(response).startsWith("HTTP/1.1 503 ").endsWith("retry later\"}");
    }
  }

  @Test
  void theConnectionsUnderTheLimitStayServed() throws Exception {
    holdEveryConnection();
    try (Socket over = connect()) {
      assertThat(readResponse(over.getInputStream())).startsWith("HTTP/1.1 503 ");
    }

    for (Socket socket : held) {
      assertThat(get(socket, "/v2/health/live")).startsWith("HTTP/1.1 200 ");
    }
  }

  @Test
  void closingAConnectionLetsANewOneIn() throws Exception {
    holdEveryConnection();
    held.getFirst().close();

    // The server sees the close on its own thread: wait for it, asking over a held connection.
    long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
    while (metric(get(held.get(1), "/metrics"), "mlsys_connections_open{transport=\"http\"}")
        >= MAX_CONNECTIONS) {
      assertThat(System.nanoTime() - deadline)
          .as("the close seen before the deadline")
          .isNegative();
    }
    held.add(served());

    assertThat(get(held.getLast(), "/v2/health/live")).startsWith("HTTP/1.1 200 ");
  }
}
