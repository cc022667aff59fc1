package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.concat;
import static io.mlsys.protocol.Bodies.le;
import static io.mlsys.protocol.Bodies.rejection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The client side (requests out, responses in) and write-then-read round trips. */
class OipBinaryRoundTripTest {
  private final OipBinary codec = OipBinary.create();

  /** One tensor per datatype, named after it, shaped [count]. */
  private static List<Tensor> everyDatatype() {
    return BinaryCases.everyDatatype()
        .map(
            c ->
                new Tensor(
                    c.toString().toLowerCase(), c.datatype(), new long[] {c.count()}, c.data()))
        .toList();
  }

  @Test
  void writesARequestWithBinaryAndJsonInputs() {
    InferRequest request =
        new InferRequest(
            null,
            List.of(
                Tensor.ofInts("a", new long[] {2}, 1, -2),
                Tensor.ofBools("j", new long[] {1}, true),
                Tensor.ofDoubles("b", new long[] {1}, 0.5)),
            List.of(RequestedOutput.named("y")),
            Map.of("binary_data_output", true));

    OipBinary.Encoded encoded = codec.writeInferRequest(request, Set.of("a", "b"));

    String header =
        "{\"parameters\":{\"binary_data_output\":true},\"inputs\":["
            + "{\"name\":\"a\",\"datatype\":\"INT32\",\"shape\":[2],"
            + "\"parameters\":{\"binary_data_size\":8}},"
            + "{\"name\":\"j\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]},"
            + "{\"name\":\"b\",\"datatype\":\"FP64\",\"shape\":[1],"
            + "\"parameters\":{\"binary_data_size\":8}}],"
            + "\"outputs\":[{\"name\":\"y\"}]}";
    assertThat(encoded.body())
        .isEqualTo(
            concat(header, le(8, b -> b.putInt(1).putInt(-2)), le(8, b -> b.putDouble(0.5))));
    assertThat(encoded.jsonLength()).isEqualTo(header.length());
  }

  @Test
  void roundTripsARequestOfEveryDatatype() {
    List<Tensor> inputs = everyDatatype();
    InferRequest request =
        new InferRequest("r", inputs, List.of(RequestedOutput.named("y")), Map.of("k", 1L));
    // FP32 and FP64 hold NaN and Infinity, which only binary data carries.
    Set<String> json = Set.of("bool", "uint64", "int32", "fp16", "bytes");
    Set<String> binary = new HashSet<>();
    for (Tensor input : inputs) {
      if (!json.contains(input.name())) {
        binary.add(input.name());
      }
    }

    OipBinary.Encoded encoded = codec.writeInferRequest(request, binary);

    assertThat(codec.readInferRequest(encoded.body(), encoded.jsonLength())).isEqualTo(request);
  }

  @Test
  void roundTripsAResponseOfEveryDatatype() {
    InferResponse response = new InferResponse("m", "2", "r", everyDatatype(), Map.of("p", "q"));
    InferRequest request =
        new InferRequest(
            "r",
            List.of(Tensor.ofFloats("x", new long[] {1}, 1)),
            List.of(),
            Map.of("binary_data_output", true));

    OipBinary.Encoded encoded = codec.writeInferResponse(response, request);

    assertThat(codec.readInferResponse(encoded.body(), encoded.jsonLength())).isEqualTo(response);
  }

  @Test
  void readsAHandBuiltResponse() {
    String header =
        "{\"model_name\":\"m\",\"outputs\":["
            + "{\"name\":\"h\",\"datatype\":\"FP16\",\"shape\":[1],"
            + "\"parameters\":{\"binary_data_size\":2}},"
            + "{\"name\":\"l\",\"datatype\":\"INT64\",\"shape\":[1],\"data\":[3]}]}";
    byte[] body = concat(header, new byte[] {0x00, 0x3E});

    InferResponse response = codec.readInferResponse(body, header.length());

    assertThat(response.outputs().get(0).data())
        .isEqualTo(new TensorData.Shorts(new short[] {BinaryCases.FP16_ONE_AND_A_HALF}));
    assertThat(response.outputs().get(1).longs()).containsExactly(3);
  }

  @Test
  void rejectsBytesLeftOverAfterTheBinaryOutputs() {
    String header = "{\"model_name\":\"m\",\"outputs\":[]}";

    assertThat(
            rejection(() -> codec.readInferResponse(concat(header, new byte[1]), header.length())))
        .hasMessage(
            "body: 1 bytes after the binary data of the outputs (expected: the body to end after"
                + " the 0 bytes their binary_data_size add up to)");
  }

  @Test
  void writesPlainJsonWhenNoInputIsBinary() {
    InferRequest request = InferRequest.of(Tensor.ofInts("a", new long[] {1}, 4));

    OipBinary.Encoded encoded = codec.writeInferRequest(request, Set.of());

    assertThat(encoded.jsonLength()).isEqualTo(-1);
    assertThat(encoded.body()).isEqualTo(OipJson.create().writeInferRequest(request));
  }

  @Test
  void refusesToMakeBinaryATensorThatIsNotAnInput() {
    InferRequest request = InferRequest.of(Tensor.ofInts("a", new long[] {1}, 4));

    assertThatThrownBy(() -> codec.writeInferRequest(request, Set.of("b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("binaryInputs: [b] (expected: names of the request's inputs)");
  }

  @Test
  void plainJsonCodecExplainsBinaryOutputs() {
    InferResponse response =
        new InferResponse(
            "m", null, null, List.of(Tensor.ofInts("y", new long[] {1}, 4)), Map.of());
    InferRequest request =
        new InferRequest(
            null,
            List.of(Tensor.ofInts("a", new long[] {1}, 4)),
            List.of(),
            Map.of("binary_data_output", true));
    OipBinary.Encoded encoded = codec.writeInferResponse(response, request);
    byte[] header = Arrays.copyOf(encoded.body(), encoded.jsonLength());

    assertThat(rejection(() -> OipJson.create().readInferResponse(header)).field())
        .isEqualTo("outputs[0].data");
  }

  @Test
  void plainJsonCodecNeverWritesAStrayBinaryDataSize() {
    Tensor y =
        new Tensor(
            "y",
            DataType.INT32,
            new long[] {1},
            new TensorData.Ints(new int[] {4}),
            Map.of("binary_data_size", 4L));
    OipJson json = OipJson.create();

    byte[] body = json.writeInferResponse(new InferResponse("m", null, null, List.of(y), Map.of()));

    assertThat(json.readInferResponse(body).outputs())
        .containsExactly(Tensor.ofInts("y", new long[] {1}, 4));
  }
}
