package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.testing.StubModel;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Model metadata, readiness, the model list and statistics. */
class ModelEndpointsTest {
  private final TestRepository repository =
      new TestRepository()
          .add(StubModel.echo(Stubs.metadata("iris", "1")))
          .add(StubModel.echo(Stubs.metadata("iris", "2")))
          .addFailed("broken", "3", "model.onnx: protobuf parsing failed");

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(repository));

  @Test
  void metadataDescribesTheHighestVersionAndListsVersions() {
    HttpResponse<String> response = server.get("/v2/models/iris");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = Stubs.json(response.body());
    assertThat(json.get("name").asText()).isEqualTo("iris");
    assertThat(json.get("versions").toString()).isEqualTo("[\"2\",\"1\"]");
    assertThat(json.get("platform").asText()).isEqualTo("stub");
    assertThat(json.get("inputs").get(0).get("name").asText()).isEqualTo("float_input");
    assertThat(json.get("inputs").get(0).get("shape").toString()).isEqualTo("[-1,4]");
  }

  @Test
  void versionedMetadataDescribesThatVersion() {
    HttpResponse<String> response = server.get("/v2/models/iris/versions/1");

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void metadataOfUnknownModelIs404() {
    HttpResponse<String> response = server.get("/v2/models/nope");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'nope' is not found");
  }

  @Test
  void metadataOfUnknownVersionIs404() {
    assertThat(server.get("/v2/models/iris/versions/7").statusCode()).isEqualTo(404);
  }

  @Test
  void metadataOfFailedModelIs503WithTheReason() {
    HttpResponse<String> response = server.get("/v2/models/broken");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .contains("protobuf parsing failed");
  }

  @Test
  void readyModelIs200() {
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/iris/versions/1/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void failedModelIsNotReadyWithTheReason() {
    HttpResponse<String> response = server.get("/v2/models/broken/ready");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo(
            "model 'broken' is not ready: version 3 is FAILED: model.onnx: protobuf parsing failed");
  }

  @Test
  void readinessOfUnknownModelIs404() {
    assertThat(server.get("/v2/models/nope/ready").statusCode()).isEqualTo(404);
  }

  @Test
  void readinessOfUnknownVersionIs404() {
    HttpResponse<String> response = server.get("/v2/models/iris/versions/9/ready");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'iris' has no version '9'");
  }

  @Test
  void modelListShowsEveryVersionWithStateAndReason() {
    JsonNode models = Stubs.json(server.get("/v2/models").body()).get("models");

    assertThat(models).hasSize(3);
    assertThat(models.get(0).get("name").asText()).isEqualTo("broken");
    assertThat(models.get(0).get("state").asText()).isEqualTo("FAILED");
    assertThat(models.get(0).get("reason").asText()).contains("protobuf parsing failed");
    assertThat(models.get(1).get("name").asText()).isEqualTo("iris");
    assertThat(models.get(1).get("state").asText()).isEqualTo("READY");
  }

  @Test
  void failingModelDoesNotStopOthersServing() {
    assertThat(server.postJson("/v2/models/iris/infer", InferTest.ROW).statusCode()).isEqualTo(200);
    assertThat(server.postJson("/v2/models/broken/infer", InferTest.ROW).statusCode())
        .isEqualTo(503);
  }

  @Test
  void statisticsCountSuccessesFailuresAndLatencyPerVersion() {
    server.postJson("/v2/models/iris/infer", InferTest.ROW);
    server.postJson("/v2/models/iris/infer", InferTest.ROW);
    server.postJson("/v2/models/iris/versions/1/infer", InferTest.ROW);
    server.postJson("/v2/models/iris/versions/1/infer", "{not json");

    JsonNode stats = Stubs.json(server.get("/v2/models/iris/stats").body()).get("model_stats");

    assertThat(stats).hasSize(2);
    JsonNode v2 = version(stats, "2");
    assertThat(v2.get("success_count").asLong()).isEqualTo(2);
    assertThat(v2.get("failure_count").asLong()).isZero();
    assertThat(v2.get("latency_us").get("count").asLong()).isEqualTo(2);
    assertThat(v2.get("latency_us").get("p99").asLong()).isPositive();
    JsonNode v1 = version(stats, "1");
    assertThat(v1.get("success_count").asLong()).isEqualTo(1);
    assertThat(v1.get("failure_count").asLong()).isEqualTo(1);
  }

  private static JsonNode version(JsonNode stats, String version) {
    for (JsonNode entry : stats) {
      if (entry.get("version").asText().equals(version)) {
        return entry;
      }
    }
    throw new AssertionError("no statistics for version " + version + " in " + stats);
  }

  @Test
  void versionStatisticsCoverOnlyThatVersion() {
    server.postJson("/v2/models/iris/versions/1/infer", InferTest.ROW);

    JsonNode stats =
        Stubs.json(server.get("/v2/models/iris/versions/1/stats").body()).get("model_stats");

    assertThat(stats).hasSize(1);
    assertThat(stats.get(0).get("success_count").asLong()).isEqualTo(1);
  }

  @Test
  void statisticsOfUnknownModelIs404() {
    assertThat(server.get("/v2/models/nope/stats").statusCode()).isEqualTo(404);
  }
}
