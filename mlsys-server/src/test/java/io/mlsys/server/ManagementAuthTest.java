package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.graph.GraphOptions;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.Role;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bearer tokens on the management API ({@code server.auth}): state changes need a {@code manage}
 * token, inference and health stay open unless configured otherwise, audit lines name the token's
 * user.
 */
class ManagementAuthTest {
  static final String READER = "reader-token-0123456789";
  static final String INFERRER = "infer-token-0123456789";
  static final String ADMIN = "admin-token-0123456789";

  static final List<AuthConfig.Token> TOKENS =
      List.of(
          new AuthConfig.Token(READER, "rita", Role.READ),
          new AuthConfig.Token(INFERRER, "ivan", Role.INFER),
          new AuthConfig.Token(ADMIN, "alice", Role.MANAGE));

  @RegisterExtension
  @Order(1)
  final LogCapture audit = new LogCapture(GraphOptions.AUDIT_LOGGER);

  @RegisterExtension
  @Order(2)
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .config(
                      MlsysServerExtension.config()
                          .withAuth(
                              AuthConfig.defaults()
                                  .withMode(AuthConfig.Mode.REQUIRED)
                                  .withTokens(TOKENS)))
                  .repository(
                      new TestRepository()
                          .add(GraphServingTest.voter("a", 0))
                          .add(GraphServingTest.voter("b", 2))
                          .add(StubModel.echo(Stubs.metadata("iris", "1"))))
                  .graphs(GraphServingTest.graphs(GraphServingTest.GRAPHS)));

  private HttpResponse<String> post(String path, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return server.send(request.build());
  }

  private boolean irisReady() {
    return server.get("/v2/models/iris/ready").statusCode() == 200;
  }

  @Test
  void noTokenIs401WithABearerChallenge() {
    HttpResponse<String> response = post("/v2/repository/models/iris/unload", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate"))
        .hasValue("Bearer realm=\"mlsys\"");
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("authorization: missing (expected: 'Authorization: Bearer <token>')");
    assertThat(irisReady()).isTrue();
  }

  @Test
  void anUnknownTokenIs401() {
    HttpResponse<String> response =
        post("/v2/repository/models/iris/unload", "not-a-known-token-at-all");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("authorization: unknown token (expected: a token of server.auth)");
  }

  @Test
  void aReadTokenCannotUnload() {
    HttpResponse<String> response = post("/v2/repository/models/iris/unload", READER);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("user 'rita' has role read (expected: manage or above)");
    assertThat(irisReady()).isTrue();
  }

  @Test
  void anInferTokenCannotUnloadOrIndex() {
    assertThat(post("/v2/repository/models/iris/unload", INFERRER).statusCode()).isEqualTo(403);
    assertThat(post("/v2/repository/index", INFERRER).statusCode()).isEqualTo(403);
  }

  @Test
  void aManageTokenCanUnloadAndLoad() {
    assertThat(post("/v2/repository/models/iris/unload", ADMIN).statusCode()).isEqualTo(200);
    assertThat(irisReady()).isFalse();
    assertThat(post("/v2/repository/models/iris/load", ADMIN).statusCode()).isEqualTo(200);
    assertThat(irisReady()).isTrue();
    assertThat(post("/v2/repository/index", ADMIN).statusCode()).isEqualTo(200);
  }

  @Test
  void inferenceHealthAndMetadataStayOpenByDefault() {
    assertThat(server.postJson("/v2/models/iris/infer", InferTest.ROW).statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/health/live").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/iris").statusCode()).isEqualTo(200);
    assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/pair/parameters").statusCode()).isEqualTo(200);
  }

  @Test
  void parameterChangesNeedManageAndAreAuditedWithTheTokensUser() {
    String body = "{\"parameters\":{\"ensemble.branches.b.active\":false}}";
    HttpRequest.Builder put =
        HttpRequest.newBuilder(server.uri("/v2/models/pair/parameters"))
            .header("Content-Type", "application/json")
            .header("Mlsys-User", "mallory")
            .PUT(HttpRequest.BodyPublishers.ofString(body));

    assertThat(server.send(put.build()).statusCode()).isEqualTo(401);
    assertThat(server.send(put.header("Authorization", "Bearer " + READER).build()).statusCode())
        .isEqualTo(403);
    HttpResponse<String> changed =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/pair/parameters"))
                .header("Content-Type", "application/json")
                .header("Mlsys-User", "mallory")
                .header("Authorization", "Bearer " + ADMIN)
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(audit.messages()).hasSize(1);
    assertThat(audit.messages().getFirst()).contains("alice").doesNotContain("mallory");
  }
}
