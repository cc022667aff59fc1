package io.mlsys.protocol;

import static io.mlsys.protocol.Bodies.concat;
import static io.mlsys.protocol.Bodies.le;
import static io.mlsys.protocol.Bodies.rejection;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writing responses with binary outputs, compared with bodies built by hand byte by byte. */
class OipBinaryResponseTest {
  private final OipBinary codec = OipBinary.create();
  private final OipJson json = OipJson.create();

  private static final Tensor LABEL = Tensor.ofLongs("label", new long[] {2}, 1, -1);
  private static final Tensor PROBABILITY =
      Tensor.ofFloats("probability", new long[] {2}, 0.25f, 0.75f);
  private static final InferResponse IRIS =
      new InferResponse("iris", "1", "r1", List.of(LABEL, PROBABILITY), Map.of());

  private static final String LABEL_BINARY =
      "{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[2],"
          + "\"parameters\":{\"binary_data_size\":16}}";
  private static final String LABEL_JSON =
      "{\"name\":\"label\",\"datatype\":\"INT64\",\"shape\":[2],\"data\":[1,-1]}";
  private static final String PROBABILITY_BINARY =
      "{\"name\":\"probability\",\"datatype\":\"FP32\",\"shape\":[2],"
          + "\"parameters\":{\"binary_data_size\":8}}";
  private static final String PROBABILITY_JSON =
      "{\"name\":\"probability\",\"datatype\":\"FP32\",\"shape\":[2],\"data\":[0.25,0.75]}";

  private static final byte[] LABEL_BYTES = le(16, b -> b.putLong(1).putLong(-1));
  private static final byte[] PROBABILITY_BYTES = le(8, b -> b.putFloat(0.25f).putFloat(0.75f));

  private static String header(String... outputs) {
    return "{\"model_name\":\"iris\",\"model_version\":\"1\",\"id\":\"r1\",\"outputs\":["
        + String.join(",", outputs)
        + "]}";
  }

  private static InferRequest asking(Map<String, Object> parameters, RequestedOutput... outputs) {
    return new InferRequest(
        "r1", List.of(Tensor.ofFloats("x", new long[] {1}, 1)), List.of(outputs), parameters);
  }

  private static RequestedOutput output(String name, Object binary) {
    return new RequestedOutput(name, Map.of("binary_data", binary));
  }

  @Test
  void writesEveryOutputAsBinaryWhenTheRequestAsks() {
    OipBinary.Encoded encoded =
        codec.writeInferResponse(IRIS, asking(Map.of("binary_data_output", true)));

    String header = header(LABEL_BINARY, PROBABILITY_BINARY);
    assertThat(encoded.body()).isEqualTo(concat(header, LABEL_BYTES, PROBABILITY_BYTES));
    assertThat(encoded.jsonLength()).isEqualTo(header.length());
    assertThat(encoded.isBinary()).isTrue();
  }

  @Test
  void writesOnlyTheOutputsAskedForAsBinary() {
    OipBinary.Encoded encoded =
        codec.writeInferResponse(IRIS, asking(Map.of(), output("probability", true)));

    String header = header(LABEL_JSON, PROBABILITY_BINARY);
    assertThat(encoded.body()).isEqualTo(concat(header, PROBABILITY_BYTES));
    assertThat(encoded.jsonLength()).isEqualTo(header.length());
  }

  @Test
  void perOutputFalseOverridesTheRequestParameter() {
    OipBinary.Encoded encoded =
        codec.writeInferResponse(
            IRIS,
            asking(
                Map.of("binary_data_output", true),
                output("label", false),
                RequestedOutput.named("probability")));

    assertThat(encoded.body())
        .isEqualTo(concat(header(LABEL_JSON, PROBABILITY_BINARY), PROBABILITY_BYTES));
  }

  @Test
  void acceptsTheFlagsAsStrings() {
    OipBinary.Encoded encoded =
        codec.writeInferResponse(IRIS, asking(Map.of(), output("label", "TRUE")));

    assertThat(encoded.body())
        .isEqualTo(concat(header(LABEL_BINARY, PROBABILITY_JSON), LABEL_BYTES));
  }

  @Test
  void writesPlainJsonWhenNoOutputIsBinary() {
    OipBinary.Encoded encoded =
        codec.writeInferResponse(IRIS, asking(Map.of(), output("label", false)));

    assertThat(encoded.body()).isEqualTo(json.writeInferResponse(IRIS));
    assertThat(encoded.jsonLength()).isEqualTo(-1);
    assertThat(encoded.isBinary()).isFalse();
  }

  @ParameterizedTest
  @MethodSource("io.mlsys.protocol.BinaryCases#everyDatatype")
  void writesEveryDatatypeAsLittleEndianBytes(BinaryCases.Case c) {
    Tensor y = new Tensor("y", c.datatype(), new long[] {c.count()}, c.data());
    InferResponse response = new InferResponse("m", null, null, List.of(y), Map.of());

    OipBinary.Encoded encoded =
        codec.writeInferResponse(response, asking(Map.of("binary_data_output", true)));

    String header =
        "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"y\",\"datatype\":\""
            + c.datatype()
            + "\",\"shape\":["
            + c.count()
            + "],\"parameters\":{\"binary_data_size\":"
            + c.raw().length
            + "}}]}";
    assertThat(encoded.body()).isEqualTo(concat(header, c.raw()));
    assertThat(encoded.jsonLength()).isEqualTo(header.length());
  }

  @Test
  void keepsTensorParametersAndPutsTheSizeLast() {
    byte[][] notUtf8 = {{(byte) 0xFF}};
    Tensor y =
        new Tensor(
            "y",
            DataType.BYTES,
            new long[] {1},
            new TensorData.ByteStrings(notUtf8),
            Map.of("unit", "raw"));
    InferResponse response = new InferResponse("m", null, null, List.of(y), Map.of());

    OipBinary.Encoded encoded =
        codec.writeInferResponse(response, asking(Map.of("binary_data_output", true)));

    // Binary BYTES need no base64, so no content_encoding parameter either.
    String header =
        "{\"model_name\":\"m\",\"outputs\":[{\"name\":\"y\",\"datatype\":\"BYTES\",\"shape\":[1],"
            + "\"parameters\":{\"unit\":\"raw\",\"binary_data_size\":5}}]}";
    assertThat(encoded.body()).isEqualTo(concat(header, le(5, b -> b.putInt(1).put((byte) 0xFF))));
  }

  @Test
  void wantsNoBinaryByDefault() {
    assertThat(codec.wantsBinary(asking(Map.of()))).isFalse();
    assertThat(codec.wantsBinary(asking(Map.of(), RequestedOutput.named("label")))).isFalse();
  }

  @Test
  void wantsBinaryForTheRequestParameter() {
    assertThat(codec.wantsBinary(asking(Map.of("binary_data_output", true)))).isTrue();
    assertThat(codec.wantsBinary(asking(Map.of("binary_data_output", false)))).isFalse();
  }

  @Test
  void wantsBinaryForAnyOutputThatAsks() {
    assertThat(
            codec.wantsBinary(
                asking(Map.of(), RequestedOutput.named("label"), output("probability", true))))
        .isTrue();
  }

  @Test
  void wantsNoBinaryWhenEveryNamedOutputOptsOut() {
    assertThat(
            codec.wantsBinary(
                asking(
                    Map.of("binary_data_output", true),
                    output("label", false),
                    output("probability", false))))
        .isFalse();
  }

  @Test
  void rejectsAFlagThatIsNotABoolean() {
    InferRequest request = asking(Map.of(), RequestedOutput.named("label"), output("p", 1L));

    assertThat(rejection(() -> codec.wantsBinary(request)))
        .hasMessage("outputs[1].parameters.binary_data: 1 (expected: true or false)");
    assertThat(
            rejection(
                () -> codec.writeInferResponse(IRIS, asking(Map.of("binary_data_output", "yes")))))
        .hasMessage("parameters.binary_data_output: 'yes' (expected: true or false)");
  }
}
