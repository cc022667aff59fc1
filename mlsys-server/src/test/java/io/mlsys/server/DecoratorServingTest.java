package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.mlsys.repository.ModelConfig;
import io.mlsys.repository.ModelDefaultsConfig;
import io.mlsys.server.AttributesDecorator.AttributesOptions;
import io.mlsys.server.TagDecorator.TagOptions;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.MlsysConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production wiring puts each model behind the decorators its config names (test kinds from
 * this module's {@code META-INF/services}), and the transports give them the request id and the
 * authenticated caller as call attributes, over REST and gRPC.
 */
class DecoratorServingTest {
  private static final String INFER =
      """
      {"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2], "data": [1.5, 2.5]}]}""";

  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    Path file;
    try {
      file = Files.writeString(dir.resolve("echo.model"), "x\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ModelConfig echo = ModelConfig.of(file.toString()).withPlatform(EchoRuntime.PLATFORM);
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(
                MlsysServerExtension.config()
                    .withGrpcPort(0)
                    .withAuth(AuthConfig.defaults().withTokens(ManagementAuthTest.TOKENS)))
            .withModelDefaults(
                new ModelDefaultsConfig(
                    List.of(new TagOptions("default"), new AttributesOptions())))
            .withModel(
                "chained",
                echo.withDecorators(
                    List.of(
                        new TagOptions("outer"), new AttributesOptions(), new TagOptions("inner"))))
            .withModel("plain", echo);
    return MlsysServer.fromConfig(config);
  }

  private JsonNode parameters(String model, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/" + model + "/infer"))
            .header("Content-Type", "application/json")
            .header("X-Request-Id", "req-" + model)
            .POST(HttpRequest.BodyPublishers.ofString(INFER));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = server.send(request.build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Stubs.json(response.body()).get("parameters");
  }

  @Test
  void aModelsOwnChainRunsOutermostFirstOverRest() {
    JsonNode parameters = parameters("chained", ManagementAuthTest.INFERRER);

    assertThat(parameters.get("tag-outer").asText()).isEqualTo("outer");
    assertThat(parameters.get("tag-inner").asText()).isEqualTo("outer>inner");
    assertThat(parameters.has("tag-default")).isFalse();
    assertThat(parameters.get("request-id").asText()).isEqualTo("req-chained");
    assertThat(parameters.get("caller").asText()).isEqualTo("ivan");
    assertThat(parameters.get("decorated-version").asText()).isEqualTo("1");
  }

  @Test
  void aModelWithoutItsOwnListGetsTheDefaults() {
    JsonNode parameters = parameters("plain", null);

    assertThat(parameters.get("tag-default").asText()).isEqualTo("default");
    assertThat(parameters.get("request-id").asText()).isEqualTo("req-plain");
    assertThat(parameters.get("caller").asText()).isEqualTo("-");
  }

  @Test
  void grpcCallsCarryTheCallerAndTheRequestIdToo() throws InterruptedException {
    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      Metadata metadata = new Metadata();
      metadata.put(GrpcAuthInterceptor.AUTHORIZATION, "Bearer " + ManagementAuthTest.ADMIN);
      metadata.put(GrpcCallInterceptor.REQUEST_ID, "grpc-1");
      ModelInferResponse response =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(metadata))
              .modelInfer(GrpcInferenceServiceTest.fp32Request("chained", "x", 1f, 2f, 3f, 4f));

      assertThat(response.getParametersMap().get("caller").getStringParam()).isEqualTo("alice");
      assertThat(response.getParametersMap().get("request-id").getStringParam())
          .isEqualTo("grpc-1");
      assertThat(response.getParametersMap().get("tag-inner").getStringParam())
          .isEqualTo("outer>inner");
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }
  }
}
