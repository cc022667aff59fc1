package io.mlsys.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.protocol.OipBinary;
import io.mlsys.testing.StubModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Triton's binary tensor data extension over {@code POST .../infer}, checked byte for byte. */
class BinaryDataTest {
  private static final OipBinary BINARY = OipBinary.create();

  /** Echoes its FP16 input {@code x} as output {@code y}, and adds an FP32 {@code sum} per row. */
  private static StubModel echo() {
    ModelMetadata metadata =
        new ModelMetadata(
            "echo",
            "1",
            "stub",
            List.of(new TensorSpec("x", DataType.FP16, List.of(-1L, 2L))),
            List.of(
                new TensorSpec("y", DataType.FP16, List.of(-1L, 2L)),
                new TensorSpec("rows", DataType.INT64, List.of(1L))),
            Map.of(),
            Map.of());
    return new StubModel(
        metadata,
        (request, context) -> {
          Tensor x = request.inputs().getFirst();
          return new InferResponse(
              "echo",
              "1",
              request.id(),
              List.of(
                  new Tensor("y", DataType.FP16, x.shape(), x.data()),
                  Tensor.ofLongs("rows", new long[] {1}, x.shape()[0])),
              Map.of());
        });
  }

  @RegisterExtension
  final MlsysServerExtension server =
      new MlsysServerExtension(builder -> builder.repository(new TestRepository().add(echo())));

  /** FP16 bits of 1.0, -2.0, 0.5 and 65504 (the largest FP16). */
  private static final short[] HALVES = {0x3C00, (short) 0xC000, 0x3800, 0x7BFF};

  private static InferRequest fp16Request(Map<String, Object> parameters, String outputName) {
    Tensor x = new Tensor("x", DataType.FP16, new long[] {2, 2}, new TensorData.Shorts(HALVES));
    List<RequestedOutput> outputs =
        outputName == null
            ? List.of()
            : List.of(new RequestedOutput(outputName, Map.of("binary_data", true)));
    return new InferRequest("bin-1", List.of(x), outputs, parameters);
  }

  private HttpResponse<byte[]> post(byte[] body, String contentType, Integer jsonLength) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.uri("/v2/models/echo/infer"))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (jsonLength != null) {
      request.header(OipBinary.INFERENCE_HEADER_CONTENT_LENGTH, jsonLength.toString());
    }
    try {
      return server.client().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void binaryInputAndBinaryOutputRoundTripTheExactBytes() {
    OipBinary.Encoded encoded =
        BINARY.writeInferRequest(
            fp16Request(Map.of("binary_data_output", true), null), Set.of("x"));

    HttpResponse<byte[]> response =
        post(encoded.body(), "application/octet-stream", encoded.jsonLength());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
    int jsonLength =
        Integer.parseInt(
            response.headers().firstValue(OipBinary.INFERENCE_HEADER_CONTENT_LENGTH).orElseThrow());
    byte[] body = response.body();
    String json = new String(body, 0, jsonLength, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"id\":\"bin-1\"")
        .contains("\"name\":\"y\",\"datatype\":\"FP16\",\"shape\":[2,2]")
        .contains("\"binary_data_size\":8")
        .contains("\"binary_data_size\":8}");
    ByteBuffer expected = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    for (short half : HALVES) {
      expected.putShort(half);
    }
    expected.putLong(2);
    assertThat(Arrays.copyOfRange(body, jsonLength, body.length)).isEqualTo(expected.array());
  }

  @Test
  void onlyTheOutputsAskedForAreBinary() {
    OipBinary.Encoded encoded = BINARY.writeInferRequest(fp16Request(Map.of(), "y"), Set.of("x"));

    HttpResponse<byte[]> response = post(encoded.body(), "application/json", encoded.jsonLength());

    assertThat(response.statusCode()).isEqualTo(200);
    InferResponse decoded =
        BINARY.readInferResponse(
            response.body(),
            Integer.parseInt(
                response
                    .headers()
                    .firstValue(OipBinary.INFERENCE_HEADER_CONTENT_LENGTH)
                    .orElseThrow()));
    assertThat(decoded.outputs()).extracting(Tensor::name).containsExactly("y");
    assertThat(((TensorData.Shorts) decoded.outputs().getFirst().data()).values())
        .containsExactly(HALVES);
  }

  @Test
  void binaryInputWithAJsonAnswerIsPlainJson() {
    OipBinary.Encoded encoded = BINARY.writeInferRequest(fp16Request(Map.of(), null), Set.of("x"));

    HttpResponse<byte[]> response =
        post(encoded.body(), "application/octet-stream", encoded.jsonLength());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue(OipBinary.INFERENCE_HEADER_CONTENT_LENGTH)).isEmpty();
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("\"name\":\"rows\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[2]");
  }

  @Test
  void anOctetStreamBodyWithoutTheHeaderLengthIsABadRequest() {
    HttpResponse<byte[]> response = post(new byte[] {1, 2, 3}, "application/octet-stream", null);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("Inference-Header-Content-Length");
  }

  @Test
  void aHeaderLengthBeyondTheBodyIsABadRequest() {
    OipBinary.Encoded encoded = BINARY.writeInferRequest(fp16Request(Map.of(), null), Set.of("x"));

    HttpResponse<byte[]> response =
        post(encoded.body(), "application/octet-stream", encoded.body().length + 1);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("Inference-Header-Content-Length");
  }

  @Test
  void aBinarySizeThatDoesNotMatchTheShapeNamesTheInput() {
    byte[] json =
        ("{\"inputs\":[{\"name\":\"x\",\"datatype\":\"FP16\",\"shape\":[2,2],"
                + "\"parameters\":{\"binary_data_size\":6}}]}")
            .getBytes(StandardCharsets.UTF_8);
    byte[] body = Arrays.copyOf(json, json.length + 6);

    HttpResponse<byte[]> response = post(body, "application/octet-stream", json.length);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("inputs[0].parameters.binary_data_size");
  }

  @Test
  void otherContentTypesAreUnsupported() {
    HttpResponse<byte[]> response = post(new byte[] {1}, "text/plain", null);

    assertThat(response.statusCode()).isEqualTo(415);
  }

  @Test
  void serverMetadataNamesTheExtension() {
    assertThat(server.get("/v2").body()).contains("binary_tensor_data");
  }
}
