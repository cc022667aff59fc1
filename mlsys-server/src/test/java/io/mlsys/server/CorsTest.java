package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.CorsConfig;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code server.cors}: an allowed origin's preflight is answered and its answers carry ACAO. */
class CorsTest {
  static final String APP = "http://app.example:3000";

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .config(
                      MlsysServerExtension.config()
                          .withCors(CorsConfig.defaults().withAllowedOrigins(List.of(APP))))
                  .repository(
                      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")))));

  private HttpResponse<String> preflight(String origin, String method, String headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", method)
            .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
    if (headers != null) {
      request.header("Access-Control-Request-Headers", headers);
    }
    return server.send(request.build());
  }

  @Test
  void thePreflightOfAnAllowedOriginIsAnswered() {
    HttpResponse<String> response = preflight(APP, "POST", "content-type, authorization");

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(response.headers().firstValue("Access-Control-Allow-Methods")).hasValue("POST");
    assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElseThrow())
        .contains("Content-Type", "Authorization");
    assertThat(response.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(response.headers().firstValue("Vary")).hasValue("Origin");
  }

  @Test
  void aPreflightForAnotherMethodOrHeaderIsRefused() {
    HttpResponse<String> method = preflight(APP, "DELETE", null);
    HttpResponse<String> header = preflight(APP, "POST", "X-Evil");

    assertThat(method.statusCode()).isEqualTo(403);
    assertThat(Stubs.json(method.body()).get("error").asText())
        .isEqualTo(
            "access-control-request-method: 'DELETE' (expected: one of [POST] for"
                + " /v2/models/iris/infer, see server.cors.allowed-methods)");
    assertThat(header.statusCode()).isEqualTo(403);
  }

  @Test
  void thePreflightOfAnotherOriginIsRefused() {
    HttpResponse<String> response = preflight("http://evil.example", "POST", null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void anAllowedOriginsRequestGetsTheCorsHeaders() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .header("Origin", APP)
                .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(response.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
        .contains("X-Request-Id");
  }

  @Test
  void anotherOriginsRequestIsRefused() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }
}
