package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Raw HTTP/1.1 over a socket: what the JDK client cannot send or hides. */
class ConnectionTest {
  private static final long LIMIT = 1024;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
                  .config(MlsysServerExtension.config(LIMIT, null)));

  /** Sends raw bytes, returns everything the server sends until it closes (10 s at most). */
  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void oversizedDeclaredBodyIsRefusedAndTheConnectionClosedWithoutReadingIt() throws Exception {
    String response =
        exchange(
            "POST /v2/models/iris/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{");

    assertThat(response).startsWith("HTTP/1.1 413 ");
    assertThat(response.toLowerCase()).contains("connection: close");
    assertThat(response)
        .endsWith("{\"error\":\"request body is too large (expected: at most 1024 bytes)\"}");
  }

  @Test
  void oversizedDeclaredBodyOfAnUnknownModelIsRefusedBeforeRouting() throws Exception {
    String response =
        exchange(
            "POST /v2/models/nope/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n{");

    assertThat(response).startsWith("HTTP/1.1 413 ");
    assertThat(response.toLowerCase()).contains("connection: close");
  }

  @Test
  void malformedHttpGetsAJsonError() throws Exception {
    String response = exchange("NOT HTTP AT ALL\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(response).contains("{\"error\":");
  }
}
