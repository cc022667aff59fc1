package io.mlsys.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.DataType;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading remote metadata and error bodies, as mlsys, KServe and Triton write them. */
class RemoteJsonTest {
  private final RemoteJson json = new RemoteJson();

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void tritonMetadataWithUnknownKeysIsRead() {
    ModelMetadata metadata =
        json.readMetadata(
            bytes(
                """
                {"name": "densenet", "versions": ["1", "2"], "platform": "onnxruntime_onnx",
                 "inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 3, 224, 224]}],
                 "outputs": [{"name": "y", "datatype": "FP32", "shape": [-1, 1000],
                              "parameters": {"scale": 0.5, "count": 3, "tag": "t", "on": true}}],
                 "triton_extra": {"anything": [1, 2]}}
                """),
            null);

    assertThat(metadata.name()).isEqualTo("densenet");
    assertThat(metadata.version()).isNull();
    assertThat(metadata.inputs())
        .containsExactly(
            new TensorSpec("x", DataType.FP32, java.util.List.of(-1L, 3L, 224L, 224L)));
    assertThat(metadata.output("y").orElseThrow().parameters())
        .containsEntry("scale", 0.5)
        .containsEntry("count", 3L)
        .containsEntry("tag", "t")
        .containsEntry("on", true);
  }

  @Test
  void versionIsTheOneAskedForOrElseTheOnlyOneListed() {
    byte[] body = bytes("{\"name\": \"m\", \"versions\": [\"3\"], \"platform\": \"p\"}");

    assertThat(json.readMetadata(body, null).version()).isEqualTo("3");
    assertThat(json.readMetadata(body, "7").version()).isEqualTo("7");
  }

  @Test
  void absentPlatformIsEmpty() {
    assertThat(json.readMetadata(bytes("{\"name\": \"m\"}"), null).platform()).isEmpty();
  }

  @Test
  void classesLabelsAndPropertiesAreRead() {
    ModelMetadata metadata =
        json.readMetadata(
            bytes(
                """
                {"name": "iris", "platform": "p", "inputs": [],
                 "outputs": [{"name": "p", "datatype": "FP32", "shape": [-1, 2],
                              "classes": ["0", "1"]}],
                 "labels": {"0": "no", "1": "yes"}, "properties": {"producer": "skl2onnx"}}
                """),
            null);

    assertThat(metadata.output("p").orElseThrow().classes()).containsExactly("0", "1");
    assertThat(metadata.labels()).containsEntry("1", "yes");
    assertThat(metadata.properties()).containsEntry("producer", "skl2onnx");
  }

  @Test
  void missingNameIsNamed() {
    assertThatThrownBy(() -> json.readMetadata(bytes("{\"platform\": \"p\"}"), null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("name"));
  }

  @Test
  void unknownDatatypeNamesItsPath() {
    String body =
        "{\"name\": \"m\", \"inputs\": [{\"name\": \"x\", \"datatype\": \"FP99\", \"shape\": [1]}]}";

    assertThatThrownBy(() -> json.readMetadata(bytes(body), null))
        .isInstanceOfSatisfying(
            InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("inputs[0].datatype"))
        .hasMessageContaining("'FP99'");
  }

  @Test
  void fractionalDimensionNamesItsPath() {
    String body =
        "{\"name\": \"m\", \"outputs\": [{\"name\": \"y\", \"datatype\": \"FP32\", \"shape\": [1.5]}]}";

    assertThatThrownBy(() -> json.readMetadata(bytes(body), null))
        .isInstanceOfSatisfying(
            InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("outputs[0].shape[0]"))
        .hasMessageContaining("1.5 (expected: an integer >= -1)");
  }

  @Test
  void errorMessageIsTheErrorMember() {
    assertThat(json.errorMessage(bytes("{\"error\": \"model 'm' is not found\"}")))
        .isEqualTo("model 'm' is not found");
  }

  @Test
  void longErrorBodyIsTruncated() {
    String body = "x".repeat(1000);

    assertThat(json.errorMessage(bytes(body)))
        .hasSize(RemoteJson.MAX_MESSAGE_CHARS + 3)
        .endsWith("...");
  }

  @Test
  void emptyErrorBodyHasNoMessage() {
    assertThat(json.errorMessage(new byte[0])).isEmpty();
  }
}
