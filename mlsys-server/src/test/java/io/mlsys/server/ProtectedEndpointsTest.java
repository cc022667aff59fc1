package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.AuthConfig;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code protect-inference} and {@code protect-metadata}: health stays open. */
class ProtectedEndpointsTest {
  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .config(
                      MlsysServerExtension.config()
                          .withAuth(
                              AuthConfig.defaults()
                                  .withMode(AuthConfig.Mode.REQUIRED)
                                  .withTokens(ManagementAuthTest.TOKENS)
                                  .withProtectInference(true)
                                  .withProtectMetadata(true)))
                  .repository(
                      new TestRepository().add(StubModel.echo(Stubs.metadata("iris", "1")))));

  private HttpResponse<String> infer(String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return server.send(request.build());
  }

  private HttpResponse<String> get(String path, String token) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Authorization", "Bearer " + token)
            .GET()
            .build());
  }

  @Test
  void inferenceNeedsAnInferToken() {
    assertThat(infer(null).statusCode()).isEqualTo(401);
    assertThat(infer(ManagementAuthTest.READER).statusCode()).isEqualTo(403);
    assertThat(infer(ManagementAuthTest.INFERRER).statusCode()).isEqualTo(200);
    assertThat(infer(ManagementAuthTest.ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void metadataAndMetricsNeedAReadToken() {
    assertThat(server.get("/metrics").statusCode()).isEqualTo(401);
    assertThat(server.get("/v2/models/iris").statusCode()).isEqualTo(401);
    assertThat(server.get("/v2").statusCode()).isEqualTo(401);
    assertThat(get("/metrics", ManagementAuthTest.READER).statusCode()).isEqualTo(200);
    assertThat(get("/v2/models/iris", ManagementAuthTest.INFERRER).statusCode()).isEqualTo(200);
  }

  @Test
  void healthStaysOpen() {
    assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }
}
