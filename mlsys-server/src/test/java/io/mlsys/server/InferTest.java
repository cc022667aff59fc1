package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST .../infer} and V1 predict over stub models: routing, echo, filters, pass-through. */
class InferTest {
  static final String ROW =
      """
      {"id": "req-1", "inputs": [{"name": "float_input", "shape": [1, 4], "datatype": "FP32",
       "data": [5.1, 3.5, 1.4, 0.2]}]}""";

  private final AtomicReference<InferRequest> seenRequest = new AtomicReference<>();
  private final AtomicReference<CallContext> seenContext = new AtomicReference<>();

  /** Answers a label and probabilities for each row, remembering what it was called with. */
  private StubModel classifier(String version) {
    return new StubModel(
        Stubs.metadata("iris", version),
        (request, context) -> {
          seenRequest.set(request);
          seenContext.set(context);
          int rows = (int) request.inputs().getFirst().batchSize();
          long[] labels = new long[rows];
          float[] probabilities = new float[rows * 3];
          for (int i = 0; i < rows; i++) {
            labels[i] = i % 3;
            probabilities[i * 3 + (i % 3)] = 1f;
          }
          return new InferResponse(
              "iris",
              version,
              "not-the-request-id",
              List.of(
                  Tensor.ofLongs("output_label", new long[] {rows}, labels),
                  Tensor.ofFloats("output_probability", new long[] {rows, 3}, probabilities)),
              Map.of());
        });
  }

  private final TestRepository repository =
      new TestRepository().add(classifier("1")).add(classifier("2"));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder -> builder.repository(repository).requestIds(() -> "generated-id"));

  @Test
  void inferAnswersWithTheHighestVersionAndEchoesTheRequestId() {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", ROW);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = Stubs.json(response.body());
    assertThat(json.get("model_name").asText()).isEqualTo("iris");
    assertThat(json.get("model_version").asText()).isEqualTo("2");
    assertThat(json.get("id").asText()).isEqualTo("req-1");
    assertThat(json.get("outputs")).hasSize(2);
    assertThat(response.headers().firstValue("content-length"))
        .hasValue(Integer.toString(response.body().length()));
  }

  @Test
  void versionedInferUsesThatVersion() {
    HttpResponse<String> response = server.postJson("/v2/models/iris/versions/1/infer", ROW);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Stubs.json(response.body()).get("model_version").asText()).isEqualTo("1");
  }

  @Test
  void requestWithoutIdGetsAResponseWithoutId() {
    HttpResponse<String> response =
        server.postJson("/v2/models/iris/infer", ROW.replace("\"id\": \"req-1\", ", ""));

    assertThat(Stubs.json(response.body()).has("id")).isFalse();
  }

  @Test
  void outputsFilterKeepsOnlyTheOutputsAskedFor() {
    String body = ROW.replace("]}]}", "]}], \"outputs\": [{\"name\": \"output_label\"}]}");

    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", body);

    JsonNode outputs = Stubs.json(response.body()).get("outputs");
    assertThat(outputs).hasSize(1);
    assertThat(outputs.get(0).get("name").asText()).isEqualTo("output_label");
  }

  @Test
  void parametersArePassedToTheModel() {
    String body = ROW.replace("{\"id\"", "{\"parameters\": {\"custom\": \"x\", \"n\": 3}, \"id\"");

    server.postJson("/v2/models/iris/infer", body);

    assertThat(seenRequest.get().parameters()).containsEntry("custom", "x").containsEntry("n", 3L);
  }

  @Test
  void callContextCarriesRequestIdAndHeaders() {
    server.send(
        HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
            .header("X-Request-Id", "trace-42")
            .header("X-User-Id", "u-7")
            .POST(HttpRequest.BodyPublishers.ofString(ROW))
            .build());

    assertThat(seenContext.get().traceId()).isEqualTo("trace-42");
    assertThat(seenContext.get().header("x-user-id")).hasValue("u-7");
    assertThat(seenContext.get().deadline()).isNull();
  }

  @Test
  void generatedRequestIdIsTheTraceIdAndIsReturned() {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", ROW);

    assertThat(seenContext.get().traceId()).isEqualTo("generated-id");
    assertThat(response.headers().firstValue("x-request-id")).hasValue("generated-id");
  }

  @Test
  void jsonWithCharsetIsAccepted() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "Application/JSON; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void bodyWithoutContentTypeIsAccepted() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofString(ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void v1PredictMapsLabels() {
    String body = "{\"instances\": [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [1, 2, 3, 4]]}";

    HttpResponse<String> response = server.postJson("/v1/models/iris:predict", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Stubs.json(response.body()).get("predictions").toString())
        .isEqualTo("[\"setosa\",\"versicolor\",\"virginica\"]");
  }
}
