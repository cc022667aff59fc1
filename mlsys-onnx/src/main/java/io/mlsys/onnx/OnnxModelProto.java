package io.mlsys.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * The facts about an ONNX model that ONNX Runtime's Java API does not expose, read straight from
 * the model's protobuf ({@code onnx.proto}): producer version, IR version, opsets, which graph
 * inputs have no declared shape, and the class labels and input tensor of scikit-learn ZipMap
 * outputs. It can also add graph outputs to a serialized model ({@link #withFloatOutputs}).
 *
 * <p>Why parse the file rather than run the model once on a zero row to discover the ZipMap keys: a
 * synthetic run needs a valid value for every input (strings, fixed dimensions, models that reject
 * zeros), costs a full inference at load, and still cannot tell the class order apart from the
 * map's hash order. The ZipMap node's {@code classlabels_int64s}/{@code classlabels_strings}
 * attribute states the keys and their column order exactly, and reading it never executes the model
 * (STYLE.md: never validate by executing). Protobuf's {@link CodedInputStream} reads the handful of
 * fields needed and skips everything else by length ({@code skipField}), so weights (initializers,
 * tensor attributes) are never decoded; the file is memory-mapped, not copied onto the heap. No
 * generated {@code onnx.proto} classes: they would parse every field, weights included.
 *
 * @param irVersion {@code ModelProto.ir_version}
 * @param producerName {@code ModelProto.producer_name}, empty if absent
 * @param producerVersion {@code ModelProto.producer_version}, empty if absent
 * @param domain {@code ModelProto.domain}, empty if absent
 * @param modelVersion {@code ModelProto.model_version} when the file sets it
 * @param docString {@code ModelProto.doc_string}, empty if absent
 * @param graphName {@code GraphProto.name}, empty if absent
 * @param opsets operator set versions by domain ({@code ai.onnx} for the default domain)
 * @param metadataProps {@code ModelProto.metadata_props}, the custom metadata map
 * @param shapelessInputs graph inputs whose type declares no shape at all (any rank is accepted)
 * @param outputs the graph's output names, in order
 * @param externalData whether any initializer keeps its data in an external file
 * @param zipMaps for each graph output produced by a ZipMap node (directly or through Identity
 *     nodes), the node's class keys and input tensor
 */
record OnnxModelProto(
    long irVersion,
    String producerName,
    String producerVersion,
    String domain,
    OptionalLong modelVersion,
    String docString,
    String graphName,
    Map<String, Long> opsets,
    Map<String, String> metadataProps,
    Set<String> shapelessInputs,
    List<String> outputs,
    boolean externalData,
    Map<String, ZipMap> zipMaps) {

  /**
   * What a ZipMap node says about the output it produces.
   *
   * @param classes the class keys ({@code classlabels_int64s} or {@code classlabels_strings}) in
   *     column order, as text
   * @param input the name of the node's input: the FLOAT {@code [N, C]} tensor of scores whose
   *     column {@code i} becomes the value of key {@code classes[i]} in every map
   */
  record ZipMap(List<String> classes, String input) {
    ZipMap {
      classes = List.copyOf(classes);
    }
  }

  /** The default operator domain's name in {@link #opsets}. */
  static final String DEFAULT_DOMAIN = "ai.onnx";

  // Field numbers from onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto).
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_PRODUCER_VERSION = 3;
  private static final int MODEL_DOMAIN = 4;
  private static final int MODEL_MODEL_VERSION = 5;
  private static final int MODEL_DOC_STRING = 6;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int MODEL_METADATA_PROPS = 14;
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  private static final int ENTRY_KEY = 1;
  private static final int ENTRY_VALUE = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INITIALIZER = 5;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OUTPUT = 2;
  private static final int NODE_OP_TYPE = 4;
  private static final int NODE_ATTRIBUTE = 5;
  private static final int ATTRIBUTE_NAME = 1;
  private static final int ATTRIBUTE_INTS = 8;
  private static final int ATTRIBUTE_STRINGS = 9;
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TENSOR_TYPE_ELEM_TYPE = 1;
  private static final int TENSOR_TYPE_SHAPE = 2;
  private static final int TENSOR_DATA_LOCATION = 14;
  private static final int DATA_LOCATION_EXTERNAL = 1;
  private static final int ELEM_TYPE_FLOAT = 1;

  /** How many Identity nodes a ZipMap output may pass through before it is a graph output. */
  private static final int MAX_IDENTITY_CHAIN = 64;

  OnnxModelProto {
    opsets = Map.copyOf(opsets);
    metadataProps = Map.copyOf(metadataProps);
    shapelessInputs = Set.copyOf(shapelessInputs);
    outputs = List.copyOf(outputs);
    zipMaps = Map.copyOf(zipMaps);
  }

  /**
   * Reads a model file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException when the bytes are not a well-formed protobuf message
   */
  static OnnxModelProto read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "file is " + size + " bytes (expected: < 2 GiB, the protobuf limit)");
      }
      return parse(channel.map(FileChannel.MapMode.READ_ONLY, 0, size));
    }
  }

  /**
   * Parses a serialized {@code ModelProto}.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed protobuf message
   */
  static OnnxModelProto parse(ByteBuffer model) {
    // A heap buffer is read in place, a direct (mapped) one through protobuf's unsafe decoder.
    CodedInputStream in = CodedInputStream.newInstance(model.slice());
    try {
      return parse(in);
    } catch (IOException e) {
      // Only InvalidProtocolBufferException: a buffer has nothing else to fail.
      throw new IllegalArgumentException("not a valid ONNX protobuf: " + e.getMessage(), e);
    }
  }

  private static OnnxModelProto parse(CodedInputStream in) throws IOException {
    long irVersion = 0;
    String producerName = "";
    String producerVersion = "";
    String domain = "";
    OptionalLong modelVersion = OptionalLong.empty();
    String docString = "";
    Map<String, Long> opsets = new LinkedHashMap<>();
    Map<String, String> metadataProps = new LinkedHashMap<>();
    GraphFacts graph = new GraphFacts();
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case MODEL_IR_VERSION -> irVersion = readVarint(in, tag);
        case MODEL_PRODUCER_NAME -> producerName = readString(in, tag);
        case MODEL_PRODUCER_VERSION -> producerVersion = readString(in, tag);
        case MODEL_DOMAIN -> domain = readString(in, tag);
        case MODEL_MODEL_VERSION -> modelVersion = OptionalLong.of(readVarint(in, tag));
        case MODEL_DOC_STRING -> docString = readString(in, tag);
        case MODEL_GRAPH -> visitMessage(in, tag, graph::read);
        case MODEL_OPSET_IMPORT -> visitMessage(in, tag, opset -> readOpset(opset, opsets));
        case MODEL_METADATA_PROPS ->
            visitMessage(in, tag, entry -> readEntry(entry, metadataProps));
        default -> skip(in, tag);
      }
    }
    return new OnnxModelProto(
        irVersion,
        producerName,
        producerVersion,
        domain,
        modelVersion,
        docString,
        graph.name,
        opsets,
        metadataProps,
        graph.shapelessInputs,
        graph.outputs,
        graph.externalData,
        graph.zipMapOutputs());
  }

  /** The class keys of a ZipMap graph output, if that output comes from a ZipMap node. */
  Optional<List<String>> classesOf(String outputName) {
    return Optional.ofNullable(zipMaps.get(outputName)).map(ZipMap::classes);
  }

  /**
   * A serialized model with extra graph outputs, each a FLOAT tensor of unknown shape. Protobuf
   * merges repeated occurrences of an embedded message field, so appending a second {@code graph}
   * field that holds only the new outputs adds them to the model's graph; nothing else is parsed or
   * copied twice.
   */
  static byte[] withFloatOutputs(byte[] model, Collection<String> names) {
    ByteArrayOutputStream graph = new ByteArrayOutputStream();
    for (String name : names) {
      byte[] tensorType =
          Writer.message(
              TYPE_TENSOR, Writer.varint(TENSOR_TYPE_ELEM_TYPE, ELEM_TYPE_FLOAT)); // no shape
      byte[] valueInfo =
          Writer.concat(
              Writer.bytes(VALUE_INFO_NAME, name.getBytes(StandardCharsets.UTF_8)),
              Writer.message(VALUE_INFO_TYPE, tensorType));
      graph.writeBytes(Writer.message(GRAPH_OUTPUT, valueInfo));
    }
    return Writer.concat(model, Writer.message(MODEL_GRAPH, graph.toByteArray()));
  }

  private static void readOpset(CodedInputStream in, Map<String, Long> opsets) throws IOException {
    String opsetDomain = "";
    long version = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case OPSET_DOMAIN -> opsetDomain = readString(in, tag);
        case OPSET_VERSION -> version = readVarint(in, tag);
        default -> skip(in, tag);
      }
    }
    opsets.put(opsetDomain.isEmpty() ? DEFAULT_DOMAIN : opsetDomain, version);
  }

  private static void readEntry(CodedInputStream in, Map<String, String> entries)
      throws IOException {
    String key = "";
    String value = "";
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ENTRY_KEY -> key = readString(in, tag);
        case ENTRY_VALUE -> value = readString(in, tag);
        default -> skip(in, tag);
      }
    }
    entries.put(key, value);
  }

  /** What one pass over {@code GraphProto} collects. */
  private static final class GraphFacts {
    private String name = "";
    private final Set<String> shapelessInputs = new HashSet<>();
    private final Map<String, String> identityInputByOutput = new HashMap<>();
    private final Map<String, ZipMap> zipMapByOutput = new HashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private boolean externalData;

    void read(CodedInputStream in) throws IOException {
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case GRAPH_NODE -> visitMessage(in, tag, this::readNode);
          case GRAPH_NAME -> name = readString(in, tag);
          case GRAPH_INPUT -> visitMessage(in, tag, this::readInput);
          case GRAPH_INITIALIZER ->
              visitMessage(in, tag, tensor -> externalData |= isExternal(tensor));
          case GRAPH_OUTPUT -> visitMessage(in, tag, output -> outputs.add(valueInfoName(output)));
          default -> skip(in, tag); // value_info, docs: skipped by length
        }
      }
    }

    private void readNode(CodedInputStream in) throws IOException {
      List<String> inputs = new ArrayList<>(2);
      List<String> nodeOutputs = new ArrayList<>(1);
      String opType = "";
      List<List<String>> classLabels = new ArrayList<>(1);
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case NODE_INPUT -> inputs.add(readString(in, tag));
          case NODE_OUTPUT -> nodeOutputs.add(readString(in, tag));
          case NODE_OP_TYPE -> opType = readString(in, tag);
          case NODE_ATTRIBUTE ->
              visitMessage(in, tag, attribute -> readClassLabels(attribute, classLabels));
          default -> skip(in, tag);
        }
      }
      if (nodeOutputs.isEmpty()) {
        return;
      }
      if (opType.equals("Identity") && inputs.size() == 1) {
        identityInputByOutput.put(nodeOutputs.get(0), inputs.get(0));
      } else if (opType.equals("ZipMap") && inputs.size() == 1) {
        for (List<String> classes : classLabels) {
          zipMapByOutput.put(nodeOutputs.get(0), new ZipMap(classes, inputs.get(0)));
        }
      }
    }

    /** Whether a {@code TensorProto} stores its data outside the model file. */
    private static boolean isExternal(CodedInputStream tensor) throws IOException {
      boolean external = false;
      int tag;
      while ((tag = tensor.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == TENSOR_DATA_LOCATION
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
          external = tensor.readInt64() == DATA_LOCATION_EXTERNAL;
        } else {
          skip(tensor, tag); // raw_data and the typed value lists are skipped by length
        }
      }
      return external;
    }

    /**
     * Adds the values of a {@code classlabels_int64s} or {@code classlabels_strings} attribute (of
     * any node: only a ZipMap's are used) to {@code found}.
     */
    private static void readClassLabels(CodedInputStream in, List<List<String>> found)
        throws IOException {
      String attributeName = "";
      List<String> values = new ArrayList<>();
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case ATTRIBUTE_NAME -> attributeName = readString(in, tag);
          case ATTRIBUTE_INTS -> readRepeatedVarint(in, tag, v -> values.add(Long.toString(v)));
          case ATTRIBUTE_STRINGS -> values.add(readString(in, tag));
          default -> skip(in, tag);
        }
      }
      if (attributeName.equals("classlabels_int64s")
          || attributeName.equals("classlabels_strings")) {
        found.add(List.copyOf(values));
      }
    }

    private void readInput(CodedInputStream in) throws IOException {
      String inputName = "";
      boolean shapeless = false;
      int tag;
      while ((tag = in.readTag()) != 0) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case VALUE_INFO_NAME -> inputName = readString(in, tag);
          case VALUE_INFO_TYPE -> shapeless = readMessage(in, tag, GraphFacts::isShapelessTensor);
          default -> skip(in, tag);
        }
      }
      if (shapeless) {
        shapelessInputs.add(inputName);
      }
    }

    /** A {@code TypeProto} that is a tensor type without a {@code shape} field. */
    private static boolean isShapelessTensor(CodedInputStream type) throws IOException {
      boolean shapeless = false;
      int tag;
      while ((tag = type.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == TYPE_TENSOR) {
          shapeless = !readMessage(type, tag, GraphFacts::hasShape);
        } else {
          skip(type, tag);
        }
      }
      return shapeless;
    }

    private static boolean hasShape(CodedInputStream tensorType) throws IOException {
      boolean hasShape = false;
      int tag;
      while ((tag = tensorType.readTag()) != 0) {
        hasShape |= WireFormat.getTagFieldNumber(tag) == TENSOR_TYPE_SHAPE;
        skip(tensorType, tag);
      }
      return hasShape;
    }

    private static String valueInfoName(CodedInputStream in) throws IOException {
      String valueName = "";
      int tag;
      while ((tag = in.readTag()) != 0) {
        if (WireFormat.getTagFieldNumber(tag) == VALUE_INFO_NAME) {
          valueName = readString(in, tag);
        } else {
          skip(in, tag);
        }
      }
      return valueName;
    }

    /** Graph outputs that a ZipMap node produces, following Identity nodes back to it. */
    Map<String, ZipMap> zipMapOutputs() {
      Map<String, ZipMap> result = new HashMap<>();
      for (String output : outputs) {
        String current = output;
        for (int hops = 0; hops <= MAX_IDENTITY_CHAIN && current != null; hops++) {
          ZipMap zipMap = zipMapByOutput.get(current);
          if (zipMap != null) {
            result.put(output, zipMap);
            break;
          }
          current = identityInputByOutput.get(current);
        }
      }
      return result;
    }
  }

  /**
   * Reads what one embedded message holds; the stream ends (readTag is 0) where the message does.
   */
  @FunctionalInterface
  private interface MessageReader<T> {
    T read(CodedInputStream in) throws IOException;
  }

  /** As {@link MessageReader}, for a reader that only collects. */
  @FunctionalInterface
  private interface MessageVisitor {
    void read(CodedInputStream in) throws IOException;
  }

  /** Reads an embedded message field with {@code reader}, which sees only the message's bytes. */
  private static <T> T readMessage(CodedInputStream in, int tag, MessageReader<T> reader)
      throws IOException {
    expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    int outer = in.pushLimit(in.readRawVarint32());
    T result = reader.read(in);
    in.checkLastTagWas(0); // ended at the limit, not at a stray end-group tag
    in.popLimit(outer);
    return result;
  }

  private static void visitMessage(CodedInputStream in, int tag, MessageVisitor visitor)
      throws IOException {
    readMessage(
        in,
        tag,
        message -> {
          visitor.read(message);
          return null;
        });
  }

  private static long readVarint(CodedInputStream in, int tag) throws IOException {
    expectWireType(tag, WireFormat.WIRETYPE_VARINT);
    return in.readInt64();
  }

  private static String readString(CodedInputStream in, int tag) throws IOException {
    expectWireType(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    return in.readString();
  }

  /** A repeated varint field, packed or not. */
  private static void readRepeatedVarint(CodedInputStream in, int tag, LongConsumer sink)
      throws IOException {
    if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      int outer = in.pushLimit(in.readRawVarint32());
      while (!in.isAtEnd()) {
        sink.accept(in.readInt64());
      }
      in.popLimit(outer);
    } else {
      sink.accept(readVarint(in, tag));
    }
  }

  /** Skips a field by its length (weights are never read), refusing a stray end-group tag. */
  private static void skip(CodedInputStream in, int tag) throws IOException {
    if (!in.skipField(tag)) {
      throw new InvalidProtocolBufferException(
          "end-group tag of field " + WireFormat.getTagFieldNumber(tag) + " outside a group");
    }
  }

  private static void expectWireType(int tag, int wireType) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != wireType) {
      throw new InvalidProtocolBufferException(
          "field "
              + WireFormat.getTagFieldNumber(tag)
              + " has wire type "
              + WireFormat.getTagWireType(tag)
              + " (expected: "
              + wireType
              + ")");
    }
  }

  /** Encodes the few protobuf fields {@link #withFloatOutputs} writes. */
  private static final class Writer {
    private Writer() {}

    static byte[] varint(int field, long value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writeVarint(out, (long) field << 3 | WireFormat.WIRETYPE_VARINT);
      writeVarint(out, value);
      return out.toByteArray();
    }

    static byte[] message(int field, byte[] body) {
      return bytes(field, body);
    }

    static byte[] bytes(int field, byte[] body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
      writeVarint(out, (long) field << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED);
      writeVarint(out, body.length);
      out.writeBytes(body);
      return out.toByteArray();
    }

    static byte[] concat(byte[] first, byte[] second) {
      byte[] joined = Arrays.copyOf(first, first.length + second.length);
      System.arraycopy(second, 0, joined, first.length, second.length);
      return joined;
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
      long rest = value;
      while ((rest & ~0x7FL) != 0) {
        out.write((int) ((rest & 0x7F) | 0x80));
        rest >>>= 7;
      }
      out.write((int) rest);
    }
  }
}
