package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.StubModel;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The repository extension: index, load, unload. */
class RepositoryApiTest {
  private final TestRepository repository =
      new TestRepository()
          .add(StubModel.echo(Stubs.metadata("iris", "1")))
          .addFailed("broken", "1", "bad file");

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository));

  @Test
  void indexListsEveryVersionWithStateAndReason() {
    JsonNode index = Stubs.json(server.postJson("/v2/repository/index", "").body());

    assertThat(index).hasSize(2);
    assertThat(index.get(0).get("name").asText()).isEqualTo("broken");
    assertThat(index.get(0).get("version").asText()).isEqualTo("1");
    assertThat(index.get(0).get("state").asText()).isEqualTo("FAILED");
    assertThat(index.get(0).get("reason").asText()).isEqualTo("bad file");
  }

  @Test
  void indexOfReadyModelsOnly() {
    JsonNode index =
        Stubs.json(server.postJson("/v2/repository/index", "{\"ready\": true}").body());

    assertThat(index).hasSize(1);
    assertThat(index.get(0).get("name").asText()).isEqualTo("iris");
  }

  @Test
  void indexWithUnknownFieldIs400() {
    HttpResponse<String> response = server.postJson("/v2/repository/index", "{\"x\": 1}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("x: unknown field (expected: ready)");
  }

  @Test
  void unloadMakesTheModelNotReady() {
    HttpResponse<String> response = server.postJson("/v2/repository/models/iris/unload", "");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(503);
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(503);
    assertThat(server.postJson("/v2/models/iris/infer", InferTest.ROW).statusCode()).isEqualTo(503);
  }

  @Test
  void loadAfterUnloadServesAgain() {
    server.postJson("/v2/repository/models/iris/unload", "");

    HttpResponse<String> response = server.postJson("/v2/repository/models/iris/load", "");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(server.postJson("/v2/models/iris/infer", InferTest.ROW).statusCode()).isEqualTo(200);
  }

  @Test
  void loadAndUnloadTakeAnEmptyObjectOrNoParameters() {
    assertThat(server.postJson("/v2/repository/models/iris/unload", "{}").statusCode())
        .isEqualTo(200);
    assertThat(
            server.postJson("/v2/repository/models/iris/load", "{\"parameters\": {}}").statusCode())
        .isEqualTo(200);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void loadParametersAreRefusedByNameNotIgnored() {
    HttpResponse<String> response =
        server.postJson(
            "/v2/repository/models/iris/load",
            "{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 8}\"}}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("parameters.config: not supported (expected: no parameters)");
  }

  @Test
  void loadBodyThatIsNotAnObjectOrHasUnknownFieldsIs400() {
    HttpResponse<String> unknown =
        server.postJson("/v2/repository/models/iris/unload", "{\"unload_dependents\": true}");
    HttpResponse<String> array = server.postJson("/v2/repository/models/iris/load", "[]");
    HttpResponse<String> malformed = server.postJson("/v2/repository/models/iris/load", "{");

    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(unknown.body()).get("error").asText())
        .isEqualTo("unload_dependents: unknown field (expected: parameters)");
    assertThat(array.statusCode()).isEqualTo(400);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(malformed.body()).get("error").asText())
        .startsWith("body: malformed JSON");
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void loadOfUnknownModelIs404() {
    assertThat(server.postJson("/v2/repository/models/nope/load", "").statusCode()).isEqualTo(404);
  }

  @Test
  void unloadOfUnknownModelIs404() {
    assertThat(server.postJson("/v2/repository/models/nope/unload", "").statusCode())
        .isEqualTo(404);
  }

  @Test
  void failedLoadIs400WithTheReason() {
    repository.failNextLoad("iris", "model.onnx: truncated");

    HttpResponse<String> response = server.postJson("/v2/repository/models/iris/load", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'iris' failed to load: model.onnx: truncated");
    assertThat(server.get("/v2/models").body()).contains("model.onnx: truncated");
  }

  @Test
  void stoppingTheServerClosesTheRepository() {
    server.server().stop();

    assertThat(repository.isClosed()).isTrue();
    assertThat(server.server().port()).isEqualTo(-1);
  }
}
