package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.StubModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Binding beyond loopback with no token configured: one is generated and logged once, and state
 * changes need it. On loopback (the default host) nothing is generated.
 */
class GeneratedTokenTest {
  private static final Pattern TOKEN = Pattern.compile("Bearer ([A-Za-z0-9_-]{43})'");

  @RegisterExtension
  @Order(1)
  final LogCapture log = new LogCapture(Authenticator.class.getName());

  private static MlsysServer server(String host) {
    return MlsysServer.builder()
        .config(MlsysServerExtension.config().withHost(host))
        .repository(new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1"))))
        .build();
  }

  private static HttpResponse<String> unload(MlsysServerExtension client, int port, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v2/repository/models/iris/unload"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build());
  }

  @RegisterExtension
  @Order(2)
  final MlsysServerExtension client = new MlsysServerExtension(() -> server("127.0.0.1"));

  @Test
  void bindingBeyondLoopbackGeneratesATokenLoggedOnce() {
    try (MlsysServer server = server("0.0.0.0").start()) {
      List<String> messages = log.messages();
      assertThat(messages).hasSize(1);
      Matcher matcher = TOKEN.matcher(messages.getFirst());
      assertThat(matcher.find()).as(messages.getFirst()).isTrue();
      String token = matcher.group(1);

      assertThat(unload(client, server.port(), null).statusCode()).isEqualTo(401);
      assertThat(unload(client, server.port(), "x" + token).statusCode()).isEqualTo(401);
      assertThat(unload(client, server.port(), token).statusCode()).isEqualTo(200);
      assertThat(log.messages()).hasSize(1);
    }
  }

  @Test
  void onLoopbackNoTokenIsGeneratedOrNeeded() {
    // The extension's server binds 127.0.0.1 with every auth default.
    assertThat(log.messages()).isEmpty();
    assertThat(unload(client, client.port(), null).statusCode()).isEqualTo(200);
  }
}
