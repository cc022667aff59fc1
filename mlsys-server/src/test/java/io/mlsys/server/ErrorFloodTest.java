package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.server.config.ServerConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Errors stay short however many problems a request has (through the real ONNX model). */
class ErrorFloodTest {
  @TempDir Path dir;

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          () ->
              IrisComponentTest.startIris(
                  dir,
                  ServerConfig.defaults()
                      .withHost("127.0.0.1")
                      .withPort(0)
                      .withMaxRequestBytes(8 << 20)
                      .withShutdownGrace(Duration.ofSeconds(5))
                      .withDefaultTimeout(null)
                      .withAccessLog(false)
                      .withGrpcPort(null)));

  private String error(String body) {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", body);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body().length()).as("error body length").isLessThan(2_000);
    return Stubs.json(response.body()).get("error").asText();
  }

  @Test
  void aHundredThousandUnknownOutputsGiveAShortError() {
    StringBuilder outputs = new StringBuilder();
    for (int i = 0; i < 100_000; i++) {
      outputs.append(i == 0 ? "" : ", ").append("{\"name\": \"o").append(i).append("\"}");
    }
    String body =
        "{\"inputs\": [{\"name\": \"float_input\", \"shape\": [1, 4], \"datatype\": \"FP32\","
            + " \"data\": [1, 2, 3, 4]}], \"outputs\": ["
            + outputs
            + "]}";

    assertThat(error(body))
        .startsWith("outputs[0].name: 'o0' is not an output of model 'iris'")
        .contains("outputs[2].name: 'o2'")
        .doesNotContain("'o3'")
        .endsWith("... and 99,997 more");
  }

  @Test
  void manyUnknownInputsGiveAShortError() {
    StringBuilder inputs = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      inputs
          .append(i == 0 ? "" : ", ")
          .append("{\"name\": \"x")
          .append(i)
          .append("\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}");
    }

    // 20,000 unknown inputs and the missing float_input.
    assertThat(error("{\"inputs\": [" + inputs + "]}"))
        .startsWith("inputs[0].name: 'x0' is not an input of model 'iris'")
        .endsWith("... and 19,998 more");
  }

  @Test
  void aHugeInputNameIsCut() {
    String name = "n".repeat(100_000);
    String body =
        "{\"inputs\": [{\"name\": \""
            + name
            + "\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}";

    assertThat(error(body)).contains("'" + "n".repeat(100) + "...'");
  }
}
