package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runtime that is not ONNX Runtime ({@link EchoRuntime}, platform {@code test_echo}) plugs in
 * through the ModelRuntime SPI alone: the production wiring serves its models from mlsys.yaml and
 * from a repository folder, and a model of a platform without runtime fails with the reason.
 */
class ModelRuntimeTest {
  private static final String NO_RUNTIME =
      "platform 'tensorflow_savedmodel': no runtime installed"
          + " (installed: onnxruntime_onnx, test_echo)";

  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    try {
      Files.writeString(dir.resolve("echo.model"), "x\n");
      Files.writeString(dir.resolve("labels.json"), "{\"0\": \"zero\"}");
      Path folder = Files.createDirectories(dir.resolve("models/folder-echo/2"));
      Files.writeString(folder.resolve(EchoRuntime.FILE_NAME), "features\n");
      Files.writeString(folder.resolveSibling("config.yaml"), "platform: test_echo\n");
      Path tf = Files.createDirectories(dir.resolve("models/tf/1/model.savedmodel"));
      Files.writeString(
          tf.getParent().resolveSibling("config.yaml"), "platform: tensorflow_savedmodel\n");
      Path file =
          Files.writeString(
              dir.resolve("mlsys.yaml"),
              """
              model-repository:
                path: models
              models:
                yaml-echo:
                  uri: echo.model
                  platform: test_echo
                  labels: labels.json
              """);
      return MlsysServer.fromConfigFile(
          file, config -> config.withServer(MlsysServerExtension.config()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void aModelOfTheTestRuntimeFromMlsysYamlServes() {
    HttpResponse<String> response =
        server.postJson(
            "/v2/models/yaml-echo/infer",
            """
            {"id": "e1", "inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 2],
             "data": [1.5, 2.5]}]}""");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode json = Stubs.json(response.body());
    assertThat(json.get("model_name").asText()).isEqualTo("yaml-echo");
    assertThat(json.get("outputs").get(0).get("data").toString()).isEqualTo("[1.5,2.5]");
    JsonNode metadata = Stubs.json(server.get("/v2/models/yaml-echo").body());
    assertThat(metadata.get("platform").asText()).isEqualTo("test_echo");
    assertThat(metadata.get("inputs").get(0).get("name").asText()).isEqualTo("x");
  }

  @Test
  void aRepositoryFolderModelOfTheTestRuntimeServesItsRuntimesFile() {
    JsonNode metadata = Stubs.json(server.get("/v2/models/folder-echo/versions/2").body());

    assertThat(metadata.get("platform").asText()).isEqualTo("test_echo");
    assertThat(metadata.get("inputs").get(0).get("name").asText()).isEqualTo("features");
    assertThat(
            server
                .postJson(
                    "/v2/models/folder-echo/infer",
                    """
                    {"inputs": [{"name": "features", "datatype": "FP32", "shape": [1, 1],
                     "data": [3]}]}""")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aPlatformWithoutRuntimeIsFailedWithTheInstalledPlatforms() {
    JsonNode index = Stubs.json(server.postJson("/v2/repository/index", "").body());

    JsonNode tf = null;
    for (JsonNode entry : index) {
      if (entry.get("name").asText().equals("tf")) {
        tf = entry;
      }
    }
    assertThat(tf).as(index.toString()).isNotNull();
    assertThat(tf.get("state").asText()).isEqualTo("FAILED");
    assertThat(tf.get("reason").asText()).isEqualTo(NO_RUNTIME);
  }

  @Test
  void anExplicitLoadOfAPlatformWithoutRuntimeIsABadRequest() {
    HttpResponse<String> response = server.postJson("/v2/repository/models/tf/load", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'tf' failed to load: " + NO_RUNTIME);
  }
}
