package io.mlsys.onnx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes tiny ONNX models (protobuf by hand, field numbers from onnx.proto) so tests can cover
 * datatypes and graph shapes that the shared fixtures do not have.
 */
final class TinyOnnx {
  // TensorProto.DataType
  static final int FLOAT = 1;
  static final int UINT8 = 2;
  static final int INT8 = 3;
  static final int UINT16 = 4;
  static final int INT16 = 5;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int STRING = 8;
  static final int BOOL = 9;
  static final int FLOAT16 = 10;
  static final int DOUBLE = 11;
  static final int BFLOAT16 = 16;

  private TinyOnnx() {}

  /** {@code y = Identity(x)}, both of {@code elemType} and shape {@code [N, 2]}. */
  static Path identity(Path dir, int elemType) throws IOException {
    Message graph =
        new Message()
            .message(1, node("Identity", "", List.of("x"), List.of("y")))
            .string(2, "identity")
            .message(11, valueInfo("x", tensorType(elemType, "N", 2)))
            .message(12, valueInfo("y", tensorType(elemType, "N", 2)));
    return write(dir, "identity-" + elemType + ".onnx", model(graph));
  }

  /** {@code y = Identity(x)} where x and y are FLOAT tensors that declare no shape. */
  static Path shapelessIdentity(Path dir) throws IOException {
    Message type = new Message().message(1, new Message().varint(1, FLOAT));
    Message graph =
        new Message()
            .message(1, node("Identity", "", List.of("x"), List.of("y")))
            .string(2, "shapeless")
            .message(11, valueInfo("x", type))
            .message(12, valueInfo("y", type));
    return write(dir, "shapeless.onnx", model(graph));
  }

  /**
   * {@code probabilities = ZipMap(x)} with string class labels: x is FLOAT {@code [N,
   * labels.size()]}, the output a {@code seq(map(string, float))}. Also carries custom metadata.
   */
  static Path stringZipMap(Path dir, List<String> labels) throws IOException {
    Message zipMap = node("ZipMap", "ai.onnx.ml", List.of("x"), List.of("probabilities"));
    Message attribute = new Message().string(1, "classlabels_strings").varint(20, 8);
    for (String label : labels) {
      attribute.string(9, label);
    }
    zipMap.message(5, attribute);
    Message mapType = new Message().varint(1, STRING).message(2, tensorType(FLOAT));
    Message sequenceOfMaps =
        new Message().message(4, new Message().message(1, new Message().message(5, mapType)));
    Message graph =
        new Message()
            .message(1, zipMap)
            .string(2, "zipmap")
            .message(11, valueInfo("x", tensorType(FLOAT, "N", labels.size())))
            .message(12, valueInfo("probabilities", sequenceOfMaps));
    Message model = model(graph);
    model.message(14, new Message().string(1, "trainer").string(2, "tiny-test"));
    return write(dir, "zipmap.onnx", model);
  }

  /**
   * {@code probabilities = ZipMap(x + w)} with string class labels, where the weights {@code w}
   * (FLOAT {@code [C]}, all {@code offset}) live in an external file beside the model, as large
   * models store them.
   */
  static Path stringZipMapWithExternalWeights(Path dir, List<String> labels, float offset)
      throws IOException {
    java.nio.ByteBuffer weights =
        java.nio.ByteBuffer.allocate(4 * labels.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < labels.size(); i++) {
      weights.putFloat(offset);
    }
    Files.write(dir.resolve("weights.bin"), weights.array());
    Message initializer =
        new Message()
            .varint(1, labels.size()) // dims
            .varint(2, FLOAT) // data_type
            .string(8, "w")
            .message(13, new Message().string(1, "location").string(2, "weights.bin"))
            .varint(14, 1); // data_location = EXTERNAL
    Message zipMap = node("ZipMap", "ai.onnx.ml", List.of("scores"), List.of("probabilities"));
    Message attribute = new Message().string(1, "classlabels_strings").varint(20, 8);
    labels.forEach(label -> attribute.string(9, label));
    zipMap.message(5, attribute);
    Message mapType = new Message().varint(1, STRING).message(2, tensorType(FLOAT));
    Message sequenceOfMaps =
        new Message().message(4, new Message().message(1, new Message().message(5, mapType)));
    Message graph =
        new Message()
            .message(1, node("Add", "", List.of("x", "w"), List.of("scores")))
            .message(1, zipMap)
            .string(2, "external")
            .message(5, initializer)
            .message(11, valueInfo("x", tensorType(FLOAT, "N", labels.size())))
            .message(12, valueInfo("probabilities", sequenceOfMaps));
    return write(dir, "external.onnx", model(graph));
  }

  /**
   * {@code y = Reshape(x, [3])} with x FLOAT {@code [N, 2]}: valid by signature for every N, but
   * ONNX Runtime fails at run time unless the element count is 3 (never, for 2N elements).
   */
  static Path reshapeToThree(Path dir) throws IOException {
    Message shape =
        new Message()
            .varint(1, 1) // dims: [1]
            .varint(2, INT64) // data_type
            .varint(7, 3) // int64_data: 3
            .string(8, "shape");
    Message graph =
        new Message()
            .message(1, node("Reshape", "", List.of("x", "shape"), List.of("y")))
            .string(2, "reshape")
            .message(5, shape)
            .message(11, valueInfo("x", tensorType(FLOAT, "N", 2)))
            .message(12, valueInfo("y", tensorType(FLOAT, 3)));
    return write(dir, "reshape.onnx", model(graph));
  }

  /**
   * Two outputs from one FLOAT {@code [N, 2]} input: {@code y = Identity(x)} and {@code s =
   * SequenceConstruct(x)}, a sequence of tensors, which has no Open Inference Protocol form.
   */
  static Path withSequenceOutput(Path dir) throws IOException {
    Message sequenceOfTensors =
        new Message().message(4, new Message().message(1, tensorType(FLOAT, "N", 2)));
    Message graph =
        new Message()
            .message(1, node("Identity", "", List.of("x"), List.of("y")))
            .message(1, node("SequenceConstruct", "", List.of("x"), List.of("s")))
            .string(2, "sequence")
            .message(11, valueInfo("x", tensorType(FLOAT, "N", 2)))
            .message(12, valueInfo("y", tensorType(FLOAT, "N", 2)))
            .message(12, valueInfo("s", sequenceOfTensors));
    return write(dir, "sequence.onnx", model(graph));
  }

  private static Message model(Message graph) {
    return new Message()
        .varint(1, 8) // ir_version
        .string(2, "tiny-onnx")
        .string(3, "1.2.3")
        .message(7, graph)
        .message(8, new Message().string(1, "").varint(2, 13))
        .message(8, new Message().string(1, "ai.onnx.ml").varint(2, 1));
  }

  private static Message node(String opType, String domain, List<String> in, List<String> out) {
    Message node = new Message();
    in.forEach(name -> node.string(1, name));
    out.forEach(name -> node.string(2, name));
    node.string(3, opType + "_" + out.get(0)).string(4, opType);
    if (!domain.isEmpty()) {
      node.string(7, domain);
    }
    return node;
  }

  private static Message valueInfo(String name, Message type) {
    return new Message().string(1, name).message(2, type);
  }

  /** A TypeProto for a tensor; a String dimension is symbolic, an Integer is fixed. */
  private static Message tensorType(int elemType, Object... dims) {
    Message shape = new Message();
    for (Object dim : dims) {
      shape.message(
          1,
          dim instanceof String param
              ? new Message().string(2, param)
              : new Message().varint(1, ((Integer) dim).longValue()));
    }
    Message tensor = new Message().varint(1, elemType);
    if (dims.length > 0) {
      tensor.message(2, shape);
    }
    return new Message().message(1, tensor);
  }

  private static Path write(Path dir, String name, Message model) throws IOException {
    return Files.write(dir.resolve(name), model.bytes());
  }

  /** A protobuf message being written. */
  static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message varint(int field, long value) {
      writeVarint(((long) field << 3));
      writeVarint(value);
      return this;
    }

    Message string(int field, String value) {
      return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return bytes(field, value.bytes());
    }

    Message bytes(int field, byte[] value) {
      writeVarint(((long) field << 3) | 2);
      writeVarint(value.length);
      out.writeBytes(value);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    private void writeVarint(long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
