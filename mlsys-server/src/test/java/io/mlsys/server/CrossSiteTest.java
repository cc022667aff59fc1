package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The default server (loopback, no token needed) refuses what a web page can make a browser send: a
 * cross-origin request, and a state change without a JSON content type or a custom header.
 */
class CrossSiteTest {
  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder.repository(
                  new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")))));

  private HttpResponse<String> bodylessPost(String path, String headerName, String headerValue) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.noBody());
    if (headerName != null) {
      request.header(headerName, headerValue);
    }
    return server.send(request.build());
  }

  private boolean irisReady() {
    return server.get("/v2/models/iris/ready").statusCode() == 200;
  }

  @Test
  void theEvilCrossSiteUnloadIsRefused() {
    HttpResponse<String> response =
        bodylessPost("/v2/repository/models/iris/unload", "Origin", "http://evil.example");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo(
            "origin: 'http://evil.example' is not allowed (expected: no Origin header, or one of"
                + " server.cors.allowed-origins [])");
    assertThat(irisReady()).isTrue();
  }

  @Test
  void aBodylessStateChangeWithoutContentTypeIsRefused() {
    HttpResponse<String> response = bodylessPost("/v2/repository/models/iris/unload", null, null);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo(
            "POST /v2/repository/models/iris/unload changes state and has no Content-Type"
                + " (expected: Content-Type: application/json, or an X-Requested-With or"
                + " Authorization header; cross-site request protection)");
    assertThat(irisReady()).isTrue();
  }

  @Test
  void aFormContentTypeIsRefused() {
    HttpResponse<String> response =
        bodylessPost(
            "/v2/repository/models/iris/unload",
            "Content-Type",
            "application/x-www-form-urlencoded");

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(irisReady()).isTrue();
  }

  @Test
  void onLoopbackAJsonStateChangeNeedsNoToken() {
    assertThat(server.postJson("/v2/repository/models/iris/unload", "").statusCode())
        .isEqualTo(200);
    assertThat(irisReady()).isFalse();
  }

  @Test
  void aCustomHeaderAlsoMarksAScriptedRequest() {
    assertThat(
            bodylessPost("/v2/repository/models/iris/unload", "X-Requested-With", "curl")
                .statusCode())
        .isEqualTo(200);
    assertThat(irisReady()).isFalse();
  }

  @Test
  void crossOriginReadsAndInferenceAreRefusedToo() {
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

  @Test
  void withoutCorsAPreflightIsRefused() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/repository/models/iris/unload"))
                .header("Origin", "http://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void optionsWithoutOriginListsTheMethods() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Allow")).hasValue("POST, OPTIONS");
  }
}
