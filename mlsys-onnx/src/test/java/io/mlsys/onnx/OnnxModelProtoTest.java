package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.testing.Fixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The minimal protobuf reader finds what ONNX Runtime's Java API does not expose. */
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
