package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.repository.ModelRepositoryConfig;
import io.mlsys.server.config.MlsysConfig;
import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: {@link MlsysServer#fromConfig} over a model repository folder holding the
 * scikit-learn iris SVC exported to ONNX, answers checked against the fixture README.
 */
class IrisComponentTest {
  /** README rows and iris_svc's P(setosa, versicolor, virginica) and label for each. */
  static final float[][] ROWS = {
    {5.1f, 3.5f, 1.4f, 0.2f},
    {1f, 2f, 3f, 4f},
    {6.7f, 3.0f, 5.2f, 2.3f},
    {50f, 30.1f, 111.4f, 110.2f}
  };

  static final double[][] PROBABILITIES = {
    {0.9709316, 0.015583082, 0.0134853665},
    {0.36133277, 0.25747606, 0.38119125},
    {0.009793723, 0.009877714, 0.9803286},
    {0.36135396, 0.2574421, 0.38120386}
  };
  static final long[] LABELS = {0, 2, 2, 2};

  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server = new MlsysServerExtension(this::startServer);

  private MlsysServer startServer() {
    return startIris(dir, MlsysServerExtension.config());
  }

  /**
   * Lays out {@code models/iris/1/model.onnx} with {@code config.yaml} ({@code labels: label.json})
   * and a broken model beside it under {@code dir}, copied from the fixtures, and builds the server
   * from a config that names the folder.
   */
  static MlsysServer startIris(Path dir, io.mlsys.server.config.ServerConfig serverConfig) {
    layoutIris(dir);
    MlsysConfig config =
        MlsysConfig.defaults()
            .withServer(serverConfig)
            .withModelRepository(ModelRepositoryConfig.of(dir.resolve("models")));
    return MlsysServer.fromConfig(config);
  }

  /** Lays out {@code models/iris} and {@code models/broken} under {@code dir}. */
  static void layoutIris(Path dir) {
    Path svc = Fixtures.require("sklearn-iris/iris_svc.onnx");
    Path labels = Fixtures.require("sklearn-iris/label.json");
    try {
      Path iris = Files.createDirectories(dir.resolve("models/iris/1")).getParent();
      Files.copy(svc, iris.resolve("1/model.onnx"));
      Files.copy(labels, iris.resolve("label.json"));
      Files.writeString(iris.resolve("config.yaml"), "labels: label.json\n");
      Path broken = Files.createDirectories(dir.resolve("models/broken/1"));
      Files.writeString(broken.resolve("model.onnx"), "this is not an ONNX model");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String row(float[] row) {
    return "[" + row[0] + ", " + row[1] + ", " + row[2] + ", " + row[3] + "]";
  }

  static String inferBody(String id, float[]... rows) {
    StringBuilder data = new StringBuilder();
    for (float[] row : rows) {
      data.append(data.isEmpty() ? "" : ", ").append(row(row));
    }
    return "{\"id\": \""
        + id
        + "\", \"inputs\": [{\"name\": \"float_input\", \"datatype\": \"FP32\", \"shape\": ["
        + rows.length
        + ", 4], \"data\": ["
        + data
        + "]}]}";
  }

  private static JsonNode output(JsonNode response, String name) {
    for (JsonNode output : response.get("outputs")) {
      if (output.get("name").asText().equals(name)) {
        return output;
      }
    }
    throw new AssertionError("no output " + name + " in " + response);
  }

  @Test
  void eachReadmeRowGivesTheReadmeProbabilitiesAndLabel() {
    for (int i = 0; i < ROWS.length; i++) {
      HttpResponse<String> response =
          server.postJson("/v2/models/iris/infer", inferBody("row-" + i, ROWS[i]));

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode json = Stubs.json(response.body());
      assertThat(json.get("id").asText()).isEqualTo("row-" + i);
      assertThat(json.get("model_name").asText()).isEqualTo("iris");
      assertThat(json.get("model_version").asText()).isEqualTo("1");
      assertThat(output(json, "output_label").get("data").get(0).asLong()).isEqualTo(LABELS[i]);
      JsonNode probabilities = output(json, "output_probability").get("data");
      for (int c = 0; c < 3; c++) {
        assertThat(probabilities.get(c).asDouble())
            .as("row %d class %d", i, c)
            .isCloseTo(PROBABILITIES[i][c], within(1e-5));
      }
    }
  }

  @Test
  void fourRowBatchGivesFourAnswers() {
    HttpResponse<String> response =
        server.postJson("/v2/models/iris/infer", inferBody("batch", ROWS));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode json = Stubs.json(response.body());
    JsonNode labels = output(json, "output_label");
    assertThat(labels.get("shape").toString()).isEqualTo("[4]");
    for (int i = 0; i < 4; i++) {
      assertThat(labels.get("data").get(i).asLong()).isEqualTo(LABELS[i]);
    }
    JsonNode probabilities = output(json, "output_probability");
    assertThat(probabilities.get("shape").toString()).isEqualTo("[4,3]");
    assertThat(probabilities.get("data").get(3 * 3 + 2).asDouble())
        .isCloseTo(PROBABILITIES[3][2], within(1e-5));
  }

  @Test
  void outputsFilterAsksTheModelForTheLabelOnly() {
    String body =
        inferBody("label-only", ROWS[0])
            .replace("]}]}", "]}], \"outputs\": [{\"name\": \"output_label\"}]}");

    JsonNode json = Stubs.json(server.postJson("/v2/models/iris/infer", body).body());

    assertThat(json.get("outputs")).hasSize(1);
    assertThat(output(json, "output_label").get("data").get(0).asLong()).isZero();
  }

  @Test
  void v1PredictGivesLabels() {
    String body =
        "{\"instances\": ["
            + row(ROWS[0])
            + ", "
            + row(ROWS[1])
            + ", "
            + row(ROWS[2])
            + ", "
            + row(ROWS[3])
            + "]}";

    HttpResponse<String> response = server.postJson("/v1/models/iris:predict", body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(Stubs.json(response.body()).get("predictions").toString())
        .isEqualTo("[\"setosa\",\"virginica\",\"virginica\",\"virginica\"]");
  }

  @Test
  void metadataDescribesTheOnnxSignatureAndLabels() {
    JsonNode json = Stubs.json(server.get("/v2/models/iris").body());

    assertThat(json.get("platform").asText()).isEqualTo("onnxruntime_onnx");
    assertThat(json.get("versions").toString()).isEqualTo("[\"1\"]");
    JsonNode input = json.get("inputs").get(0);
    assertThat(input.get("name").asText()).isEqualTo("float_input");
    assertThat(input.get("datatype").asText()).isEqualTo("FP32");
    assertThat(input.get("shape").toString()).isEqualTo("[-1,4]");
    assertThat(json.toString()).contains("setosa");
  }

  @Test
  void failingModelIsReportedWhileIrisServes() {
    JsonNode models = Stubs.json(server.get("/v2/models").body()).get("models");

    assertThat(models.get(0).get("name").asText()).isEqualTo("broken");
    assertThat(models.get(0).get("state").asText()).isEqualTo("FAILED");
    assertThat(models.get(0).get("reason").asText()).isNotBlank();
    assertThat(models.get(1).get("state").asText()).isEqualTo("READY");
    assertThat(server.get("/v2/health/ready").statusCode()).isEqualTo(503);
    assertThat(server.get("/v2/models/broken").statusCode()).isEqualTo(503);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
    assertThat(server.postJson("/v2/models/iris/infer", inferBody("ok", ROWS[0])).statusCode())
        .isEqualTo(200);
  }

  @Test
  void unloadThenLoadThroughTheRepositoryApi() {
    assertThat(server.postJson("/v2/repository/models/iris/unload", "").statusCode())
        .isEqualTo(200);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(503);
    assertThat(server.postJson("/v2/models/iris/infer", inferBody("x", ROWS[0])).statusCode())
        .isEqualTo(503);

    assertThat(server.postJson("/v2/repository/models/iris/load", "").statusCode()).isEqualTo(200);
    assertThat(server.get("/v2/models/iris/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void loadingTheBrokenModelIs400WithTheReason() {
    HttpResponse<String> response = server.postJson("/v2/repository/models/broken/load", "");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .startsWith("model 'broken' failed to load");
  }

  @Test
  void loadTimesAreExported() {
    assertThat(server.get("/metrics").body())
        .contains("mlsys_model_load_duration_seconds_count{model=\"iris\",version=\"1\"} 1");
  }
}
