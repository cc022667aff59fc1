package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routes, health, server metadata, 404 and 405, against a real server over stub models. */
class RoutingTest {
  private final TestRepository repository =
      new TestRepository()
          .add(StubModel.echo(Stubs.metadata("iris", "1")))
          .add(StubModel.echo(Stubs.metadata("iris", "2")));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository));

  @Test
  void liveAnswers200WithAnEmptyBody() {
    HttpResponse<String> response = server.get("/v2/health/live");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void readyAnswers200WhenEveryModelIsReady() {
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void readyAnswers503NamingTheFailedModel() {
    repository.addFailed("broken", "1", "model.onnx: not an ONNX model");

    HttpResponse<String> response = server.get("/v2/health/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .contains("broken")
        .contains("not an ONNX model");
  }

  @Test
  void serverMetadataNamesServerVersionAndExtensions() {
    HttpResponse<String> response = server.get("/v2");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode json = Stubs.json(response.body());
    assertThat(json.get("name").asText()).isEqualTo("mlsys");
    assertThat(json.get("version").asText()).isNotBlank().isNotEqualTo("unknown");
    assertThat(json.get("extensions").toString()).contains("model_repository", "statistics");
  }

  @Test
  void unknownRouteAnswers404Json() {
    HttpResponse<String> response = server.get("/v3/nothing");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("no route for GET /v3/nothing");
  }

  @Test
  void wrongMethodAnswers405JsonWithAllow() {
    HttpResponse<String> response = server.postJson("/v2/health/live", "{}");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("method POST is not allowed on /v2/health/live (expected: GET, HEAD)");
  }

  @Test
  void getOnInferAnswers405() {
    HttpResponse<String> response = server.get("/v2/models/iris/infer");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void predictSuffixIsRoutedToV1PredictWithTheModelName() {
    HttpResponse<String> response = server.postJson("/v1/models/nope:predict", "{}");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'nope' is not found");
  }

  @Test
  void getOnPredictAnswers405() {
    HttpResponse<String> response = server.get("/v1/models/iris:predict");

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void v1ModelStatusNamesTheModelAndReadiness() {
    JsonNode json = Stubs.json(server.get("/v1/models/iris").body());

    assertThat(json.get("name").asText()).isEqualTo("iris");
    assertThat(json.get("ready").asBoolean()).isTrue();
  }

  @Test
  void v1ModelStatusOfUnknownModelIs404() {
    assertThat(server.get("/v1/models/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void requestIdHeaderIsEchoed() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/health/live"))
                .header("X-Request-Id", "abc-123")
                .build());

    assertThat(response.headers().firstValue("x-request-id")).hasValue("abc-123");
  }
}
