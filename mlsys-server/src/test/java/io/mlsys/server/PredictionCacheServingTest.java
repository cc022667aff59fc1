package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import inference.GRPCInferenceServiceGrpc;
import inference.GrpcPredictV2.ModelInferResponse;
import io.grpc.ManagedChannel;
import io.mlsys.server.config.AuthConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.server.config.MlsysConfigLoader;
import io.mlsys.testing.Fixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code cache} decorator configured exactly as issue 12 writes it, on the iris model: hits
 * marked over REST and gRPC, metered, emptied by {@code DELETE /v2/models/{m}/cache} (role {@code
 * manage}); and with {@code redis:} added, the Redis tier under it (the shared Redis on 6379).
 */
class PredictionCacheServingTest {
  private static final String ROW =
      """
      {"inputs": [{"name": "float_input", "datatype": "FP32", "shape": [1, 4],
        "data": [5.1, 3.5, 1.4, 0.2]}]}""";

  @TempDir Path dir;

  // A model name of this run's own, so its Redis keys meet no other run's.
  private final String redisModel = "iris-" + UUID.randomUUID().toString().substring(0, 8);

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    String uri = "file:" + Fixtures.require("sklearn-iris/iris_svc.onnx");
    MlsysConfig config =
        MlsysConfigLoader.parse(
            "models: {iris: {uri: "
                + uri
                + ", decorators: [{cache: {ttl: 60s}}]}, "
                + redisModel
                + ": {uri: "
                + uri
                + ", decorators: [{cache: {ttl: 60s, redis: \"redis://127.0.0.1:6379\"}}]}}",
            dir);
    return MlsysServer.fromConfig(
        config.withServer(
            MlsysServerExtension.config()
                .withGrpcPort(0)
                .withAuth(
                    AuthConfig.defaults()
                        .withMode(AuthConfig.Mode.REQUIRED)
                        .withTokens(ManagementAuthTest.TOKENS))));
  }

  private JsonNode infer(String model) {
    HttpResponse<String> response = server.postJson("/v2/models/" + model + "/infer", ROW);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Stubs.json(response.body());
  }

  private HttpResponse<String> deleteCache(String model, String token) {
    return server.send(
        HttpRequest.newBuilder(server.uri("/v2/models/" + model + "/cache"))
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build());
  }

  @Test
  void theSecondIdenticalRequestIsAHitOverRestAndGrpc() throws InterruptedException {
    JsonNode first = infer("iris");
    JsonNode second = infer("iris");

    assertThat(first.get("parameters").get("cache").asText()).isEqualTo("miss");
    assertThat(second.get("parameters").get("cache").asText()).isEqualTo("hit");
    assertThat(second.get("outputs")).isEqualTo(first.get("outputs"));

    ManagedChannel channel = GrpcInferenceServiceTest.connect(server.server());
    try {
      ModelInferResponse response =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .modelInfer(
                  GrpcInferenceServiceTest.fp32Request("iris", "float_input", 6f, 3f, 5f, 2f));
      ModelInferResponse again =
          GRPCInferenceServiceGrpc.newBlockingStub(channel)
              .modelInfer(
                  GrpcInferenceServiceTest.fp32Request("iris", "float_input", 6f, 3f, 5f, 2f));
      assertThat(response.getParametersMap().get("cache").getStringParam()).isEqualTo("miss");
      assertThat(again.getParametersMap().get("cache").getStringParam()).isEqualTo("hit");
      assertThat(again.getOutputsList()).isEqualTo(response.getOutputsList());
    } finally {
      GrpcInferenceServiceTest.disconnect(channel);
    }

    HttpResponse<String> metrics =
        server.send(
            HttpRequest.newBuilder(server.uri("/metrics"))
                .header("Authorization", "Bearer " + ManagementAuthTest.READER)
                .build());
    assertThat(metrics.body())
        .contains("mlsys_cache_hits_total{model=\"iris\",tier=\"memory\"} 2.0")
        .contains("mlsys_cache_misses_total{model=\"iris\"} 2.0")
        .contains("mlsys_cache_hit_ratio{model=\"iris\"} 0.5")
        .contains("mlsys_cache_entries{model=\"iris\"} 2.0")
        .contains("mlsys_cache_size_bytes{model=\"iris\"}");
  }

  @Test
  void deletingTheCacheNeedsTheManageRoleAndEmptiesIt() {
    infer("iris");

    assertThat(deleteCache("iris", ManagementAuthTest.INFERRER).statusCode()).isEqualTo(403);
    HttpResponse<String> deleted = deleteCache("iris", ManagementAuthTest.ADMIN);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(Stubs.json(deleted.body()).get("entries").asLong()).isEqualTo(1);

    assertThat(infer("iris").get("parameters").get("cache").asText()).isEqualTo("miss");
    HttpResponse<String> none = deleteCache("no-such-model", ManagementAuthTest.ADMIN);
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("no-such-model");
  }

  @Test
  void withRedisTheAnswerAlsoGoesToRedisAndTheApiDeletesItThere() {
    // The server subscribes to Redis's invalidation channel in the background, and the first
    // confirmation drops the in-process entries too (what was published before it is unknown):
    // the same row again until its answer is a hit.
    String outcome = "miss";
    long giveUpAt = System.nanoTime() + 10_000_000_000L;
    while (!outcome.equals("hit") && System.nanoTime() < giveUpAt) {
      infer(redisModel);
      outcome = infer(redisModel).get("parameters").get("cache").asText();
    }
    assertThat(outcome).isEqualTo("hit");

    // The connection opens in the background and writes to Redis are asynchronous: new rows until
    // one has landed in Redis and was deleted there.
    long redisKeys = 0;
    for (int row = 0; row < 200 && redisKeys == 0; row++) {
      String body = ROW.replace("0.2]", "0." + (row + 3) + "]");
      assertThat(server.postJson("/v2/models/" + redisModel + "/infer", body).statusCode())
          .isEqualTo(200);
      HttpResponse<String> deleted = deleteCache(redisModel, ManagementAuthTest.ADMIN);
      assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
      redisKeys = Stubs.json(deleted.body()).get("redis_keys").asLong();
    }
    assertThat(redisKeys).isPositive();
  }
}
