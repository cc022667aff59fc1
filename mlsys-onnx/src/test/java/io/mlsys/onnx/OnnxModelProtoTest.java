package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The protobuf reader finds what ONNX Runtime's Java API does not expose. */
class OnnxModelProtoTest {

  @Test
  void readsTheZipMapClassesOfTheIrisSvc() throws IOException {
    OnnxModelProto proto = OnnxModelProto.read(Fixtures.require("sklearn-iris/iris_svc.onnx"));

    assertThat(proto.classesOf("output_probability")).contains(List.of("0", "1", "2"));
    assertThat(proto.classesOf("output_label")).isEmpty();
    assertThat(proto.producerName()).isEqualTo("skl2onnx");
  }

  @Test
  void readsPackedInt64ClassLabels() {
    byte[] body = varints(-1, 0, 300);
    TinyOnnx.Message attribute =
        new TinyOnnx.Message().string(1, "classlabels_int64s").bytes(8, body);
    TinyOnnx.Message node =
        new TinyOnnx.Message()
            .string(1, "x")
            .string(2, "probabilities")
            .string(4, "ZipMap")
            .message(5, attribute);
    TinyOnnx.Message output = new TinyOnnx.Message().string(1, "probabilities");
    TinyOnnx.Message graph = new TinyOnnx.Message().message(1, node).message(12, output);
    byte[] model = new TinyOnnx.Message().message(7, graph).bytes();

    OnnxModelProto proto = OnnxModelProto.parse(ByteBuffer.wrap(model));

    assertThat(proto.classesOf("probabilities")).contains(List.of("-1", "0", "300"));
  }

  @Test
  void followsIdentityNodesFromAGraphOutputBackToItsZipMap() {
    TinyOnnx.Message attribute =
        new TinyOnnx.Message().string(1, "classlabels_strings").string(9, "cat").string(9, "dog");
    TinyOnnx.Message zipMap =
        new TinyOnnx.Message()
            .string(1, "x")
            .string(2, "zipped")
            .string(4, "ZipMap")
            .message(5, attribute);
    TinyOnnx.Message first =
        new TinyOnnx.Message().string(1, "zipped").string(2, "renamed").string(4, "Identity");
    TinyOnnx.Message second =
        new TinyOnnx.Message().string(1, "renamed").string(2, "animals").string(4, "Identity");
    TinyOnnx.Message graph =
        new TinyOnnx.Message()
            .message(1, zipMap)
            .message(1, first)
            .message(1, second)
            .message(12, new TinyOnnx.Message().string(1, "animals"));
    byte[] model = new TinyOnnx.Message().message(7, graph).bytes();

    OnnxModelProto proto = OnnxModelProto.parse(ByteBuffer.wrap(model));

    assertThat(proto.classesOf("animals")).contains(List.of("cat", "dog"));
  }

  @Test
  void readsEveryHeaderFieldFromAMappedFileAndSkipsTheWeights(@TempDir Path dir)
      throws IOException {
    byte[] weights = new byte[4 << 20]; // raw_data of an initializer: skipped by its length
    Arrays.fill(weights, (byte) 0x80); // continuation bits: a reader that decoded it would fail
    TinyOnnx.Message initializer =
        new TinyOnnx.Message().string(8, "w").bytes(9, weights).varint(14, 0);
    TinyOnnx.Message external =
        new TinyOnnx.Message()
            .string(8, "e")
            .message(13, new TinyOnnx.Message().string(1, "location").string(2, "e.bin"))
            .varint(14, 1);
    TinyOnnx.Message shapeless =
        new TinyOnnx.Message()
            .string(1, "any")
            .message(2, new TinyOnnx.Message().message(1, new TinyOnnx.Message().varint(1, 1)));
    TinyOnnx.Message shaped =
        new TinyOnnx.Message()
            .string(1, "x")
            .message(
                2,
                new TinyOnnx.Message()
                    .message(
                        1, new TinyOnnx.Message().varint(1, 1).message(2, new TinyOnnx.Message())));
    TinyOnnx.Message graph =
        new TinyOnnx.Message()
            .string(2, "main")
            .message(5, initializer)
            .message(5, external)
            .message(11, shapeless)
            .message(11, shaped)
            .message(12, new TinyOnnx.Message().string(1, "y"))
            .message(12, new TinyOnnx.Message().string(1, "z"));
    TinyOnnx.Message model =
        new TinyOnnx.Message()
            .varint(1, 8)
            .string(2, "mlsys-test")
            .string(3, "1.2")
            .string(4, "io.mlsys")
            .varint(5, 42)
            .string(6, "a doc")
            .message(7, graph)
            .message(8, new TinyOnnx.Message().string(1, "").varint(2, 17))
            .message(8, new TinyOnnx.Message().string(1, "ai.onnx.ml").varint(2, 3))
            .message(14, new TinyOnnx.Message().string(1, "author").string(2, "me"));
    Path file = Files.write(dir.resolve("model.onnx"), model.bytes());

    OnnxModelProto proto = OnnxModelProto.read(file);

    assertThat(proto.irVersion()).isEqualTo(8);
    assertThat(proto.producerName()).isEqualTo("mlsys-test");
    assertThat(proto.producerVersion()).isEqualTo("1.2");
    assertThat(proto.domain()).isEqualTo("io.mlsys");
    assertThat(proto.modelVersion()).isEqualTo(OptionalLong.of(42));
    assertThat(proto.docString()).isEqualTo("a doc");
    assertThat(proto.graphName()).isEqualTo("main");
    assertThat(proto.opsets()).isEqualTo(Map.of("ai.onnx", 17L, "ai.onnx.ml", 3L));
    assertThat(proto.metadataProps()).isEqualTo(Map.of("author", "me"));
    assertThat(proto.shapelessInputs()).isEqualTo(Set.of("any"));
    assertThat(proto.outputs()).containsExactly("y", "z");
    assertThat(proto.externalData()).isTrue();
  }

  @Test
  void aFieldOfTheWrongWireTypeIsRejected() {
    byte[] model = new TinyOnnx.Message().string(1, "eight").bytes(); // ir_version is a varint

    assertThatThrownBy(() -> OnnxModelProto.parse(ByteBuffer.wrap(model)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a valid ONNX protobuf: field 1 has wire type 2 (expected: 0)");
  }

  @Test
  void truncatedBytesAreRejected() throws IOException {
    byte[] model = Files.readAllBytes(Fixtures.require("sklearn-iris/iris_svc.onnx"));
    ByteBuffer half = ByteBuffer.wrap(Arrays.copyOf(model, model.length / 2));

    assertThatThrownBy(() -> OnnxModelProto.parse(half))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a valid ONNX protobuf");
  }

  private static byte[] varints(long... values) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (long value : values) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
    return out.toByteArray();
  }
}
