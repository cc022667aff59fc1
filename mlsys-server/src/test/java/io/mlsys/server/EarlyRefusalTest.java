package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.repository.ModelConfig;
import io.mlsys.resilience.RateLimitOptions;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call over a model's limits is refused from its request's head, before its body is read: a body
 * that does not even parse gets the limit's 503 or 429, not the 400 parsing it would give.
 */
class EarlyRefusalTest {
  private static final String INFER =
      """
      {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [1.5, 2.5]}]}""";
  private static final String NOT_JSON = "{this is not parsed";

  // One call, then none for about 1000 s: no test here runs that long.
  private static final RateLimitOptions.Rate ONE_CALL = new RateLimitOptions.Rate(0.001, 1);

  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    Path file;
    try {
      file = Files.writeString(dir.resolve("echo.model"), "x\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ModelConfig echo = ModelConfig.of(file.toString()).withPlatform(EchoRuntime.PLATFORM);
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(
                MlsysServerExtension.config()
                    .withAuth(AuthConfig.defaults().withTokens(ManagementAuthTest.TOKENS)))
            .withModel(
                "limited",
                echo.withDecorators(
                    List.of(RateLimitOptions.defaults().withRequestsPerSecond(0.001, 1))))
            .withModel(
                "quota",
                echo.withDecorators(
                    List.of(RateLimitOptions.defaults().withCallers(Map.of("ivan", ONE_CALL)))));
    return MlsysServer.fromConfig(config);
  }

  private HttpResponse<String> infer(String model, String body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/" + model + "/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return server.send(request.build());
  }

  @Test
  void aCallOverTheModelsLimitGets503WithRetryAfterBeforeItsBodyIsParsed() {
    assertThat(infer("limited", INFER, null).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = infer("limited", NOT_JSON, null);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(refused.body()).contains("model 'limited'");
    // The connection stays usable: the next call is answered (refused again) on it.
    assertThat(infer("limited", INFER, null).statusCode()).isEqualTo(503);
  }

  @Test
  void aRefusalOnAConnectionThatClosesAfterItReachesTheClientWhileItIsStillSending()
      throws Exception {
    assertThat(infer("limited", INFER, null).statusCode()).isEqualTo(200);
    // A body far larger than the socket buffers: the server must read it (and drop it) before
    // closing, or the close resets the connection under the client still writing it.
    byte[] body = new byte[4 << 20];
    java.util.Arrays.fill(body, (byte) ' ');
    String head =
        "POST /v2/models/limited/infer HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Content-Type: application/json\r\n"
            + "Connection: close\r\n"
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri("/").getPort())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 503").contains("model 'limited'");
    }
  }

  @Test
  void aCallerOverItsQuotaGets429BeforeItsBodyIsParsedAndOthersStillRun() {
    assertThat(infer("quota", INFER, ManagementAuthTest.INFERRER).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = infer("quota", NOT_JSON, ManagementAuthTest.INFERRER);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    // Another caller is not limited, and its unparsable body is read and refused as such.
    assertThat(infer("quota", NOT_JSON, null).statusCode()).isEqualTo(400);
    assertThat(infer("quota", INFER, null).statusCode()).isEqualTo(200);
  }
}
