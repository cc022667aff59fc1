package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlsys.core.CapacityExceededException;
import io.mlsys.core.CircuitOpenException;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.ModelNotReadyException;
import io.mlsys.core.PayloadTooLargeException;
import io.mlsys.core.UnsupportedMediaTypeException;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.testing.StubModel;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every error reaches the client as {@code {"error": ...}} with its status. */
class ErrorResponsesTest {
  private static final long LIMIT = 1024;

  /** What the "thrower" model throws on its next call. */
  private final AtomicReference<Supplier<RuntimeException>> toThrow = new AtomicReference<>();

  private final TestRepository repository =
      new TestRepository()
          .add(StubModel.echo(Stubs.metadata("iris", "1")))
          .add(
              new StubModel(
                  Stubs.metadata("thrower", "1"),
                  (request, context) -> {
                    throw toThrow.get().get();
                  }))
          .addFailed("broken", "1", "model.onnx: protobuf parsing failed");

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(
          builder ->
              builder
                  .repository(repository)
                  .config(MlsysServerExtension.config(LIMIT, null))
                  .requestIds(() -> "rid-1"));

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(
            (Supplier<RuntimeException>)
                () -> new InvalidInputException("inputs[0].data", "bad (expected: good)"),
            400,
            "inputs[0].data: bad (expected: good)"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new PayloadTooLargeException(10),
            413,
            "request body is too large (expected: at most 10 bytes)"),
        Arguments.of(
            (Supplier<RuntimeException>)
                () -> new UnsupportedMediaTypeException("text/csv", "application/json"),
            415,
            "content-type: 'text/csv' (expected: application/json)"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new ModelNotFoundException("inner", null),
            404,
            "model 'inner' is not found"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new ModelNotReadyException("inner", "loading"),
            503,
            "model 'inner' is not ready: loading"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new ModelLoadException("inner", "corrupt", null),
            400,
            "model 'inner' failed to load: corrupt"),
        Arguments.of(
            (Supplier<RuntimeException>)
                () -> new CapacityExceededException("queue", Duration.ofSeconds(3)),
            503,
            "queue is at capacity (retry after 3000 ms)"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new DeadlineExceededException("node a"),
            504,
            "deadline exceeded at node a"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new CircuitOpenException("remote"),
            503,
            "circuit 'remote' is open"),
        Arguments.of(
            (Supplier<RuntimeException>)
                () -> new UpstreamFailureException("remote", "connection refused", null),
            502,
            "upstream 'remote' failed: connection refused"),
        Arguments.of(
            (Supplier<RuntimeException>)
                () -> new ModelExecutionException("thrower", "ORT error", null),
            500,
            "model 'thrower' failed: ORT error"),
        Arguments.of(
            (Supplier<RuntimeException>) () -> new IllegalStateException("secret internals"),
            500,
            "internal server error (see the server log for request id rid-1)"));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void modelErrorsMapToStatusAndJsonError(
      Supplier<RuntimeException> error, int status, String message) {
    toThrow.set(error);

    HttpResponse<String> response = server.postJson("/v2/models/thrower/infer", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(Stubs.json(response.body()).get("error").asText()).isEqualTo(message);
  }

  @Test
  void capacityExceededSendsRetryAfter() {
    toThrow.set(() -> new CapacityExceededException("queue", Duration.ofMillis(2500)));

    HttpResponse<String> response = server.postJson("/v2/models/thrower/infer", InferTest.ROW);

    assertThat(response.headers().firstValue("retry-after")).hasValue("3");
  }

  private static String error(HttpResponse<String> response) {
    JsonNode json = Stubs.json(response.body());
    assertThat(json.fieldNames()).toIterable().containsExactly("error");
    return json.get("error").asText();
  }

  @Test
  void malformedJsonIs400() {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", "{\"inputs\": [");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).isNotBlank();
  }

  @Test
  void emptyBodyIs400() {
    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", "");

    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void unknownDatatypeIs400NamingTheField() {
    HttpResponse<String> response =
        server.postJson("/v2/models/iris/infer", InferTest.ROW.replace("FP32", "FP99"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).startsWith("inputs[0].datatype");
  }

  @Test
  void dataLengthNotMatchingShapeIs400() {
    HttpResponse<String> response =
        server.postJson("/v2/models/iris/infer", InferTest.ROW.replace("[1, 4]", "[2, 4]"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).startsWith("inputs[0]");
  }

  @Test
  void unknownModelIs404() {
    HttpResponse<String> response = server.postJson("/v2/models/nope/infer", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response)).isEqualTo("model 'nope' is not found");
  }

  @Test
  void unknownVersionIs404() {
    HttpResponse<String> response =
        server.postJson("/v2/models/iris/versions/9/infer", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response)).isEqualTo("model 'iris' has no version '9'");
  }

  @Test
  void failedModelIs503WithTheReason() {
    HttpResponse<String> response = server.postJson("/v2/models/broken/infer", InferTest.ROW);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(error(response)).contains("protobuf parsing failed");
  }

  @Test
  void wrongContentTypeIs415() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(error(response))
        .isEqualTo(
            "content-type: 'text/plain' (expected: application/json, or"
                + " application/octet-stream with binary tensor data)");
  }

  @Test
  void bodyOverTheLimitByContentLengthIs413() {
    String big = "{\"inputs\": [], \"pad\": \"" + "x".repeat((int) LIMIT) + "\"}";

    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", big);

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response))
        .isEqualTo("request body is too large (expected: at most 1024 bytes)");
  }

  @Test
  void megabytesOverTheLimitStillGetTheir413() {
    // Far more than the socket buffers hold: unless the server reads what the client is still
    // sending before it closes, the kernel resets the connection and the client never sees the 413.
    String big = "{\"inputs\": [], \"pad\": \"" + "x".repeat(3 << 20) + "\"}";

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> response = server.postJson("/v2/models/iris/infer", big);

      assertThat(response.statusCode()).isEqualTo(413);
    }
    byte[] bytes = big.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> chunked =
          server.send(
              HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new ByteArrayInputStream(bytes)))
                  .build());

      assertThat(chunked.statusCode()).isEqualTo(413);
    }
  }

  @Test
  void chunkedBodyOverTheLimitIs413() {
    byte[] big = ("{\"pad\": \"" + "x".repeat((int) LIMIT) + "\"}").getBytes();

    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response))
        .isEqualTo("request body is too large (expected: at most 1024 bytes)");
  }

  @Test
  void chunkedBodyWithinTheLimitIsServed() {
    byte[] row = InferTest.ROW.getBytes();

    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(row)))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void invalidTimeoutHeaderIs400NamingTheHeader() {
    HttpResponse<String> response =
        server.send(
            HttpRequest.newBuilder(server.uri("/v2/models/iris/infer"))
                .header("Mlsys-Timeout-Ms", "soon")
                .POST(HttpRequest.BodyPublishers.ofString(InferTest.ROW))
                .build());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).startsWith("header Mlsys-Timeout-Ms: 'soon'");
  }

  @Test
  void invalidTimeoutParameterIs400NamingTheParameter() {
    String body = InferTest.ROW.replace("{\"id\"", "{\"parameters\": {\"timeout\": -1}, \"id\"");

    HttpResponse<String> response = server.postJson("/v2/models/iris/infer", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(error(response)).startsWith("parameters.timeout: -1");
  }
}
