package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import io.mlsys.testing.PrivateRedis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model behind a prediction cache with a Redis tier, reloaded in a running server with new bytes
 * under the same version: the reloaded model answers itself, never from the old model's entries (in
 * process or in Redis).
 */
class CacheReloadTest {
  private static final String ROW =
      """
      {"inputs": [{"name": "float_input", "datatype": "FP32", "shape": [1, 4],
        "data": [5.9, 3.0, 5.1, 1.8]}]}""";

  @TempDir Path dir;

  private final PrivateRedis redis = start();
  private final RedisClient inspector = RedisClient.create(redis.uri());

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private static PrivateRedis start() {
    try {
      return new PrivateRedis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterEach
  void stopRedis() {
    inspector.shutdown();
    redis.close();
  }

  private MlsysServer startServer() {
    try {
      Path version = Files.createDirectories(dir.resolve("models/iris/1"));
      Files.copy(Fixtures.require("sklearn-iris/iris_svc.onnx"), version.resolve("model.onnx"));
      Files.writeString(
          version.getParent().resolve("config.yaml"),
          "decorators: [{cache: {ttl: 60s, redis: \"" + redis.uri() + "\"}}]\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return MlsysServer.fromConfig(
        MlsysConfig.defaults()
            .withServer(MlsysServerExtension.config())
            .withModelRepository(ModelRepositoryConfig.of(dir.resolve("models"))));
  }

  private JsonNode infer() {
    var response = server.postJson("/v2/models/iris/infer", ROW);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Stubs.json(response.body());
  }

  @Test
  void aReloadUnderTheSameVersionNeverAnswersFromTheOldEntries() throws Exception {
    StatefulRedisConnection<String, String> keys = inspector.connect();
    // The connection to Redis opens in the background: rows until one answer landed there.
    PrivateRedis.await(
        () -> {
          infer();
          return !keys.sync().keys("mlsys:cache:iris:1:*").isEmpty();
        },
        "an answer in Redis");
    assertThat(infer().get("parameters").get("cache").asText()).isEqualTo("hit");

    Files.copy(
        Fixtures.require("sklearn-iris/iris_svc.onnx"),
        dir.resolve("models/iris/1/model.onnx"),
        StandardCopyOption.REPLACE_EXISTING);
    var reload = server.postJson("/v2/repository/models/iris/load", "");
    assertThat(reload.statusCode()).as(reload.body()).isEqualTo(200);

    JsonNode answer = infer();
    assertThat(answer.get("model_version").asText()).isEqualTo("1");
    assertThat(answer.get("parameters").get("cache").asText()).isEqualTo("miss");
  }
}
