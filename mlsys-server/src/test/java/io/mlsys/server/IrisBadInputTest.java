package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad request, end to end through the real codec and ONNX model. */
class IrisBadInputTest {
  private static final long LIMIT = 4096;

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
                      .withMaxRequestBytes(LIMIT)
                      .withShutdownGrace(Duration.ofSeconds(5))
                      .withDefaultTimeout(null)
                      .withAccessLog(false)));

  private static String input(String datatype, String shape, String data) {
    return "{\"name\": \"float_input\", \"datatype\": \""
        + datatype
        + "\", \"shape\": "
        + shape
        + ", \"data\": "
        + data
        + "}";
  }

  private static String request(String... inputs) {
    return "{\"inputs\": [" + String.join(", ", inputs) + "]}";
  }

  /** Posts to iris, expects the status, returns the error message (the only field). */
  private String error(String body, int status) {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode json = Stubs.json(response.body());
    assertThat(json.fieldNames()).toIterable().containsExactly("error");
    return json.get("error").asText();
  }

  @Test
  void malformedJson() {
    assertThat(error("{\"inputs\": [{\"name\": ", 400)).contains("malformed JSON");
  }

  @Test
  void wrongDatatype() {
    assertThat(error(request(input("INT64", "[1, 4]", "[5, 3, 1, 0]")), 400))
        .isEqualTo("inputs[float_input].datatype: INT64 (expected: FP32)");
  }

  @Test
  void unknownDatatype() {
    assertThat(error(request(input("FLOAT", "[1, 4]", "[5.1, 3.5, 1.4, 0.2]")), 400))
        .startsWith("inputs[0].datatype");
  }

  @Test
  void dataLengthNotMatchingShape() {
    assertThat(error(request(input("FP32", "[1, 4]", "[5.1, 3.5, 1.4]")), 400))
        .startsWith("inputs[0]")
        .contains("4");
  }

  @Test
  void shapeNotMatchingTheModel() {
    assertThat(error(request(input("FP32", "[1, 3]", "[5.1, 3.5, 1.4]")), 400))
        .isEqualTo("inputs[float_input].shape: [1, 3] (expected: [-1, 4] where -1 is any size)");
  }

  @Test
  void noInputs() {
    assertThat(error(request(), 400))
        .isEqualTo("inputs: empty (expected: at least one input tensor)");
  }

  @Test
  void missingInput() {
    String other = input("FP32", "[1, 4]", "[1, 2, 3, 4]").replace("float_input", "other");

    assertThat(error(request(other), 400)).contains("float_input");
  }

  @Test
  void extraInput() {
    String extra = input("FP32", "[1, 4]", "[1, 2, 3, 4]").replace("float_input", "extra");

    assertThat(error(request(input("FP32", "[1, 4]", "[5.1, 3.5, 1.4, 0.2]"), extra), 400))
        .contains("extra");
  }

  @Test
  void nanLiteral() {
    assertThat(error(request(input("FP32", "[1, 4]", "[NaN, 3.5, 1.4, 0.2]")), 400))
        .startsWith("inputs[0].data");
  }

  @Test
  void nanAsString() {
    assertThat(error(request(input("FP32", "[1, 4]", "[\"NaN\", 3.5, 1.4, 0.2]")), 400))
        .startsWith("inputs[0].data[0]");
  }

  @Test
  void emptyBatch() {
    assertThat(error(request(input("FP32", "[0, 4]", "[]")), 400))
        .isEqualTo(
            "inputs[float_input].shape: [0, 4] has no elements (expected: at least one row)");
  }

  @Test
  void unknownOutput() {
    String body =
        "{\"inputs\": ["
            + input("FP32", "[1, 4]", "[5.1, 3.5, 1.4, 0.2]")
            + "], \"outputs\": [{\"name\": \"nope\"}]}";

    assertThat(error(body, 400)).startsWith("outputs").contains("nope");
  }

  @Test
  void unknownModel() {
    HttpResponse<String> response =
        server.postJson(
            "/v2/models/nope/infer", IrisComponentTest.inferBody("x", IrisComponentTest.ROWS[0]));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'nope' is not found");
  }

  @Test
  void unknownVersion() {
    HttpResponse<String> response =
        server.postJson(
            "/v2/models/iris/versions/2/infer",
            IrisComponentTest.inferBody("x", IrisComponentTest.ROWS[0]));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(Stubs.json(response.body()).get("error").asText())
        .isEqualTo("model 'iris' has no version '2'");
  }

  @Test
  void wrongContentType() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1"))
                .build());

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void oversizedBodyByContentLength() {
    String big = request(input("FP32", "[1, 4]", "[" + "1.0, ".repeat(1000) + "1.0]"));

    assertThat(error(big, 413))
        .isEqualTo("request body is too large (expected: at most 4096 bytes)");
  }

  @Test
  void oversizedChunkedBody() {
    byte[] big =
        request(input("FP32", "[1, 4]", "[" + "1.0, ".repeat(1000) + "1.0]"))
            .getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void v1InstanceOfTheWrongWidth() {
    HttpResponse<String> response =
        server.postJson("/v1/models/iris:predict", "{\"instances\": [[1, 2, 3]]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(Stubs.json(response.body()).get("error").asText()).startsWith("instances[0]");
  }
}
