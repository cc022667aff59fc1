package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.mlsys.config.ConfigException;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.graph.GraphConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inference graphs served like models: infer, metadata, readiness, stats and parameters. */
class GraphServingTest {
  static final String ROW =
      """
      {"id": "g-1", "inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32",
       "data": [5.1, 3.5, 1.4, 0.2]}]}""";

  static final String GRAPHS =
      """
      graphs:
        pair:
          ensemble:
            branches:
              a: { model: a }
              b: { model: b, policy: optional }
            combine: { mean: { output: output_probability } }
      """;

  /** Answers probability 1 for class {@code hot} on every row. */
  static StubModel voter(String name, int hot) {
    return new StubModel(
        Stubs.metadata(name, "1"),
        (request, context) -> {
          int rows = (int) request.inputs().getFirst().batchSize();
          long[] labels = new long[rows];
          float[] probabilities = new float[rows * 3];
          for (int i = 0; i < rows; i++) {
            labels[i] = hot;
            probabilities[i * 3 + hot] = 1f;
          }
          return new InferResponse(
              name,
              "1",
              request.id(),
              List.of(
                  Tensor.ofLongs("output_label", new long[] {rows}, labels),
                  Tensor.ofFloats("output_probability", new long[] {rows, 3}, probabilities)),
              Map.of());
        });
  }

  static Map<String, GraphConfig> graphs(String yaml) {
    return MlsysConfigLoader.parse(yaml, Path.of("."), Map.of()).graphs();
  }

  private final StubModel a = voter("a", 0);
  private final StubModel b = voter("b", 2);

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .grpcPort(0)
                  .repository(new TestRepository().add(a).add(b))
                  .graphs(graphs(GRAPHS)));

  private HttpResponse<String> put(String path, String json, String user) {
    return server.send(
        HttpRequest.newBuilder(server.uri(path))
            .header("Content-Type", "application/json")
            .header("Mlsys-User", user)
            .PUT(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  @Test
  void aGraphAnswersLikeAModel() {
    HttpResponse<String> response = server.postJson("/v2/models/pair/infer", ROW);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = Stubs.json(response.body());
    assertThat(json.get("model_name").asText()).isEqualTo("pair");
    assertThat(json.get("model_version").asText()).isEqualTo("1");
    assertThat(json.get("id").asText()).isEqualTo("g-1");
    JsonNode probabilities = json.get("outputs").get(0);
    assertThat(probabilities.get("name").asText()).isEqualTo("output_probability");
    assertThat(probabilities.get("data").toString()).isEqualTo("[0.5,0.0,0.5]");
    assertThat(json.get("parameters").get("answered_by").asText()).isEqualTo("a,b");
  }

  @Test
  void theGraphHasMetadataReadinessAStatsEntryAndAListEntry() {
    server.postJson("/v2/models/pair/infer", ROW);

    JsonNode metadata = Stubs.json(server.get("/v2/models/pair").body());
    assertThat(metadata.get("platform").asText()).isEqualTo("mlsys_graph");
    assertThat(metadata.get("inputs").get(0).get("name").asText()).isEqualTo("float_input");
    assertThat(server.get("/v2/models/pair/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models").body())
        .contains("{\"name\":\"pair\",\"version\":\"1\",\"state\":\"READY\",\"reason\":\"\"}");
    JsonNode stats = Stubs.json(server.get("/v2/models/pair/stats").body()).get("model_stats");
    assertThat(stats.get(0).get("success_count").asLong()).isEqualTo(1);
    JsonNode modelStats = Stubs.json(server.get("/v2/models/a/stats").body()).get("model_stats");
    assertThat(modelStats.get(0).get("success_count").asLong())
        .as("the graph's call to model a counts for a")
        .isEqualTo(1);
    assertThat(server.get("/metrics").body())
        .contains("mlsys_requests_total{model=\"a\",protocol=\"graph\"");
  }

  @Test
  void aGraphAnswersKServeV1() {
    HttpResponse<String> response =
        server.postJson("/v1/models/pair:predict", "{\"instances\": [[5.1, 3.5, 1.4, 0.2]]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).contains("predictions");
  }

  @Test
  void aGraphAnswersOverGrpc() throws InterruptedException {
    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      ModelInferResponse response =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .modelInfer(
                  GrpcInferenceServiceTest.fp32Request(
                      "pair", "float_input", new float[] {5.1f, 3.5f, 1.4f, 0.2f}));

      assertThat(response.getModelName()).isEqualTo("pair");
      assertThat(response.getOutputs(0).getContents().getFp32ContentsList())
          .containsExactly(0.5f, 0f, 0.5f);
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }
  }

  @Test
  void anUnknownGraphVersionIsNotFound() {
    assertThat(server.postJson("/v2/models/pair/versions/2/infer", ROW).statusCode())
        .isEqualTo(404);
  }

  @Test
  void parametersCanBeReadAndAnInactiveBranchIsNotCalled() {
    JsonNode parameters = Stubs.json(server.get("/v2/models/pair/parameters").body());
    assertThat(parameters.get("parameters").get("ensemble.branches.b.active").asBoolean()).isTrue();

    HttpResponse<String> changed =
        put(
            "/v2/models/pair/parameters",
            "{\"parameters\": {\"ensemble.branches.b.active\": false}}",
            "alice");

    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body())
        .isEqualTo(
            "{\"name\":\"pair\",\"changed\":[{\"path\":\"ensemble.branches.b.active\","
                + "\"old\":true,\"new\":false}]}");
    int callsBefore = b.calls();
    JsonNode answer = Stubs.json(server.postJson("/v2/models/pair/infer", ROW).body());
    assertThat(b.calls()).isEqualTo(callsBefore);
    assertThat(answer.get("outputs").get(0).get("data").toString()).isEqualTo("[1.0,0.0,0.0]");
  }

  @Test
  void anUnknownParameterOrABadValueIsABadRequestAndChangesNothing() {
    HttpResponse<String> unknown =
        put("/v2/models/pair/parameters", "{\"parameters\": {\"nope\": 1}}", "bob");
    HttpResponse<String> badValue =
        put(
            "/v2/models/pair/parameters",
            "{\"parameters\": {\"ensemble.branches.a.active\": false,"
                + " \"ensemble.branches.b.weight\": -1}}",
            "bob");

    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.body()).contains("parameters.nope");
    assertThat(badValue.statusCode()).isEqualTo(400);
    assertThat(badValue.body()).contains("parameters.ensemble.branches.b.weight");
    assertThat(server.get("/v2/models/pair/parameters").body())
        .contains("\"ensemble.branches.a.active\":true");
  }

  @Test
  void aMalformedParametersBodyNamesTheField() {
    HttpResponse<String> response = put("/v2/models/pair/parameters", "{\"params\": {}}", "bob");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("params");
  }

  @Test
  void parametersOfAModelOrOfNothingAreRefused() {
    assertThat(server.get("/v2/models/a/parameters").statusCode()).isEqualTo(400);
    assertThat(server.get("/v2/models/nothing/parameters").statusCode()).isEqualTo(404);
  }

  @Test
  void aGraphCannotBeLoadedOrUnloadedThroughTheRepositoryApi() {
    HttpResponse<String> load = server.postJson("/v2/repository/models/pair/load", "");
    HttpResponse<String> unload = server.postJson("/v2/repository/models/pair/unload", "");

    assertThat(load.statusCode()).isEqualTo(400);
    assertThat(load.body()).contains("inference graph");
    assertThat(unload.statusCode()).isEqualTo(400);
  }

  @Test
  void anInvalidGraphFailsTheStartWithItsPath() {
    MlsysServer invalid =
        MlsysServer.builder()
            .config(MlsysServerExtension.config())
            .repository(new TestRepository().add(voter("a", 0)))
            .graphs(graphs("graphs:\n  broken:\n    model: missing\n"))
            .build();

    assertThatThrownBy(invalid::start)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("graphs.broken");
    assertThat(invalid.port()).isEqualTo(-1);
  }
}
