package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.rpc.RetryInfo;
import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.mlsys.repository.ModelConfig;
import io.mlsys.resilience.CircuitBreakerOptions;
import io.mlsys.resilience.FallbackOptions;
import io.mlsys.resilience.RateLimitOptions;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard decorators in the production wiring, over REST and gRPC, with the iris model: an open
 * breaker and a spent rate answer 503 with {@code Retry-After} (gRPC UNAVAILABLE with RetryInfo);
 * with a fallback, the cheaper model or the default answers and says so in the parameters.
 */
class CircuitBreakServingTest {
  private static final String IRIS = Fixtures.require("sklearn-iris/iris_svc.onnx").toString();

  /** Every call is slower than 1 ns: the first call opens the breaker, for an hour. */
  private static final CircuitBreakerOptions TRIPS_AT_ONCE =
      CircuitBreakerOptions.defaults()
          .withWindowCalls(2, 1)
          .withSlowCalls(Duration.ofNanos(1), 1.0)
          .withOpenFor(Duration.ofHours(1), 1);

  /** One call, then one every 1000 s. */
  private static final RateLimitOptions ONE_CALL =
      RateLimitOptions.defaults().withRequestsPerSecond(0.001, 1);

  private static final FallbackOptions.DefaultOutput UNKNOWN =
      new FallbackOptions.DefaultOutput("label", "INT64", List.of(), List.of(-1L));

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          () ->
              MlsysServer.fromConfig(
                  MlsysConfig.defaults()
                      .withServer(MlsysServerExtension.config().withGrpcPort(0))
                      .withModel("iris-lite", ModelConfig.of(IRIS))
                      .withModel(
                          "breaker", ModelConfig.of(IRIS).withDecorators(List.of(TRIPS_AT_ONCE)))
                      .withModel("limited", ModelConfig.of(IRIS).withDecorators(List.of(ONE_CALL)))
                      .withModel(
                          "guarded",
                          ModelConfig.of(IRIS)
                              .withDecorators(
                                  List.of(
                                      FallbackOptions.defaults().withModel("iris-lite"),
                                      TRIPS_AT_ONCE)))
                      .withModel(
                          "defaulted",
                          ModelConfig.of(IRIS)
                              .withDecorators(
                                  List.of(
                                      FallbackOptions.defaults()
                                          .withDefaultOutputs(List.of(UNKNOWN)),
                                      ONE_CALL)))));

  private ManagedChannel channel;
  private GRPCInferenceServiceBlockingStub grpc;

  @BeforeEach
  void connect() {
    channel = GrpcInferenceServiceTest.connect(server.server());
    grpc = GRPCInferenceServiceGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    GrpcInferenceServiceTest.disconnect(channel);
  }

  private HttpResponse<String> infer(String model, int rows) {
    StringBuilder data = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      data.append(i == 0 ? "" : ", ").append("5.1, 3.5, 1.4, 0.2");
    }
    return server.postJson(
        "/v2/models/" + model + "/infer",
        "{\"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\", \"shape\": ["
            + rows
            + ", 4], \"data\": ["
            + data
            + "]}]}");
  }

  private ModelInferResponse grpcInfer(String model) {
    return grpc.modelInfer(
        GrpcInferenceServiceTest.fp32Request(model, "float_input", 5.1f, 3.5f, 1.4f, 0.2f));
  }

  private static long retrySeconds(StatusRuntimeException e) {
    try {
      return StatusProto.fromThrowable(e)
          .getDetails(0)
          .unpack(RetryInfo.class)
          .getRetryDelay()
          .getSeconds();
    } catch (com.google.protobuf.InvalidProtocolBufferException bad) {
      throw new AssertionError(bad);
    }
  }

  @Test
  void anOpenBreakerAnswers503WithRetryAfterAndUnavailableOverGrpc() {
    assertThat(infer("breaker", 1).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = infer("breaker", 1);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(Stubs.json(refused.body()).get("error").asText())
        .contains("circuit 'breaker' is open");
    assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()))
        .isBetween(3500L, 3600L);

    assertThatThrownBy(() -> grpcInfer("breaker"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(retrySeconds(e)).isBetween(3500L, 3600L);
            });
  }

  @Test
  void aSpentModelRateAnswers503WithRetryAfter() {
    assertThat(infer("limited", 1).statusCode()).isEqualTo(200);

    HttpResponse<String> refused = infer("limited", 1);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(Long.parseLong(refused.headers().firstValue("retry-after").orElseThrow()))
        .isBetween(900L, 1000L);
  }

  @Test
  void withAFallbackTheCheaperModelAnswersAndSaysSoOverRestAndGrpc() {
    JsonNode normal = Stubs.json(infer("guarded", 2).body());
    assertThat(normal.path("parameters").has("degraded")).isFalse();

    HttpResponse<String> fallen = infer("guarded", 2);

    assertThat(fallen.statusCode()).as(fallen.body()).isEqualTo(200);
    JsonNode answer = Stubs.json(fallen.body());
    assertThat(answer.get("model_name").asText()).isEqualTo("iris-lite");
    assertThat(answer.get("parameters").get("degraded").asBoolean()).isTrue();
    assertThat(answer.get("parameters").get("fallback").asText()).isEqualTo("iris-lite");
    assertThat(answer.get("parameters").get("fallback-reason").asText()).isEqualTo("circuit-open");
    assertThat(answer.get("outputs")).isEqualTo(normal.get("outputs"));

    ModelInferResponse grpcAnswer = grpcInfer("guarded");
    assertThat(grpcAnswer.getParametersMap().get("degraded").getBoolParam()).isTrue();
    assertThat(grpcAnswer.getParametersMap().get("fallback").getStringParam())
        .isEqualTo("iris-lite");
  }

  @Test
  void withADefaultTheFixedAnswerComesOneRowPerRow() {
    assertThat(infer("defaulted", 1).statusCode()).isEqualTo(200);

    HttpResponse<String> fallen = infer("defaulted", 3);

    assertThat(fallen.statusCode()).as(fallen.body()).isEqualTo(200);
    JsonNode answer = Stubs.json(fallen.body());
    assertThat(answer.get("parameters").get("fallback").asText()).isEqualTo("default");
    assertThat(answer.get("parameters").get("fallback-reason").asText()).isEqualTo("overload");
    JsonNode label = answer.get("outputs").get(0);
    assertThat(label.get("name").asText()).isEqualTo("label");
    assertThat(label.get("shape").toString()).isEqualTo("[3]");
    assertThat(label.get("data").toString()).isEqualTo("[-1,-1,-1]");
  }
}
