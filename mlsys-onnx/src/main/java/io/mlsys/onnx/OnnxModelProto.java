package io.mlsys.onnx;

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
 * (STYLE.md: never validate by executing). The reader knows only the handful of fields it needs and
 * skips everything else by length, so weights (initializers) are never read; the file is
 * memory-mapped, not copied onto the heap.
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

  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int WIRE_LENGTH_DELIMITED = 2;
  private static final int WIRE_FIXED32 = 5;

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
    Reader reader = new Reader(model);
    long irVersion = 0;
    String producerName = "";
    String producerVersion = "";
    String domain = "";
    OptionalLong modelVersion = OptionalLong.empty();
    String docString = "";
    Map<String, Long> opsets = new LinkedHashMap<>();
    Map<String, String> metadataProps = new LinkedHashMap<>();
    GraphFacts graph = new GraphFacts();
    while (reader.hasMore()) {
      int tag = reader.readTag();
      switch (tag >>> 3) {
        case MODEL_IR_VERSION -> irVersion = reader.readVarint(tag);
        case MODEL_PRODUCER_NAME -> producerName = reader.readString(tag);
        case MODEL_PRODUCER_VERSION -> producerVersion = reader.readString(tag);
        case MODEL_DOMAIN -> domain = reader.readString(tag);
        case MODEL_MODEL_VERSION -> modelVersion = OptionalLong.of(reader.readVarint(tag));
        case MODEL_DOC_STRING -> docString = reader.readString(tag);
        case MODEL_GRAPH -> graph.read(reader.readMessage(tag));
        case MODEL_OPSET_IMPORT -> readOpset(reader.readMessage(tag), opsets);
        case MODEL_METADATA_PROPS -> readEntry(reader.readMessage(tag), metadataProps);
        default -> reader.skip(tag);
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

  private static void readOpset(Reader reader, Map<String, Long> opsets) {
    String opsetDomain = "";
    long version = 0;
    while (reader.hasMore()) {
      int tag = reader.readTag();
      switch (tag >>> 3) {
        case OPSET_DOMAIN -> opsetDomain = reader.readString(tag);
        case OPSET_VERSION -> version = reader.readVarint(tag);
        default -> reader.skip(tag);
      }
    }
    opsets.put(opsetDomain.isEmpty() ? DEFAULT_DOMAIN : opsetDomain, version);
  }

  private static void readEntry(Reader reader, Map<String, String> entries) {
    String key = "";
    String value = "";
    while (reader.hasMore()) {
      int tag = reader.readTag();
      switch (tag >>> 3) {
        case ENTRY_KEY -> key = reader.readString(tag);
        case ENTRY_VALUE -> value = reader.readString(tag);
        default -> reader.skip(tag);
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

    void read(Reader reader) {
      while (reader.hasMore()) {
        int tag = reader.readTag();
        switch (tag >>> 3) {
          case GRAPH_NODE -> readNode(reader.readMessage(tag));
          case GRAPH_NAME -> name = reader.readString(tag);
          case GRAPH_INPUT -> readInput(reader.readMessage(tag));
          case GRAPH_INITIALIZER -> externalData |= isExternal(reader.readMessage(tag));
          case GRAPH_OUTPUT -> outputs.add(valueInfoName(reader.readMessage(tag)));
          default -> reader.skip(tag); // initializers, value_info, docs: skipped by length
        }
      }
    }

    private void readNode(Reader reader) {
      List<String> inputs = new ArrayList<>(2);
      List<String> nodeOutputs = new ArrayList<>(1);
      String opType = "";
      List<Reader> attributes = new ArrayList<>();
      while (reader.hasMore()) {
        int tag = reader.readTag();
        switch (tag >>> 3) {
          case NODE_INPUT -> inputs.add(reader.readString(tag));
          case NODE_OUTPUT -> nodeOutputs.add(reader.readString(tag));
          case NODE_OP_TYPE -> opType = reader.readString(tag);
          case NODE_ATTRIBUTE -> attributes.add(reader.readMessage(tag));
          default -> reader.skip(tag);
        }
      }
      if (nodeOutputs.isEmpty()) {
        return;
      }
      if (opType.equals("Identity") && inputs.size() == 1) {
        identityInputByOutput.put(nodeOutputs.get(0), inputs.get(0));
      } else if (opType.equals("ZipMap") && inputs.size() == 1) {
        for (Reader attribute : attributes) {
          readClassLabels(attribute)
              .ifPresent(
                  classes ->
                      zipMapByOutput.put(nodeOutputs.get(0), new ZipMap(classes, inputs.get(0))));
        }
      }
    }

    /** Whether a {@code TensorProto} stores its data outside the model file. */
    private static boolean isExternal(Reader tensor) {
      boolean external = false;
      while (tensor.hasMore()) {
        int tag = tensor.readTag();
        if (tag >>> 3 == TENSOR_DATA_LOCATION && (tag & 7) == WIRE_VARINT) {
          external = tensor.readVarint(tag) == DATA_LOCATION_EXTERNAL;
        } else {
          tensor.skip(tag); // raw_data and the typed value lists are skipped by length
        }
      }
      return external;
    }

    /** The {@code classlabels_int64s} or {@code classlabels_strings} attribute of ZipMap. */
    private static Optional<List<String>> readClassLabels(Reader reader) {
      String attributeName = "";
      List<String> values = new ArrayList<>();
      while (reader.hasMore()) {
        int tag = reader.readTag();
        switch (tag >>> 3) {
          case ATTRIBUTE_NAME -> attributeName = reader.readString(tag);
          case ATTRIBUTE_INTS -> reader.readRepeatedVarint(tag, v -> values.add(Long.toString(v)));
          case ATTRIBUTE_STRINGS -> values.add(reader.readString(tag));
          default -> reader.skip(tag);
        }
      }
      return attributeName.equals("classlabels_int64s")
              || attributeName.equals("classlabels_strings")
          ? Optional.of(List.copyOf(values))
          : Optional.empty();
    }

    private void readInput(Reader reader) {
      String inputName = "";
      boolean shapeless = false;
      while (reader.hasMore()) {
        int tag = reader.readTag();
        switch (tag >>> 3) {
          case VALUE_INFO_NAME -> inputName = reader.readString(tag);
          case VALUE_INFO_TYPE -> shapeless = isShapelessTensor(reader.readMessage(tag));
          default -> reader.skip(tag);
        }
      }
      if (shapeless) {
        shapelessInputs.add(inputName);
      }
    }

    /** A {@code TypeProto} that is a tensor type without a {@code shape} field. */
    private static boolean isShapelessTensor(Reader type) {
      boolean shapeless = false;
      while (type.hasMore()) {
        int tag = type.readTag();
        if (tag >>> 3 == TYPE_TENSOR) {
          Reader tensor = type.readMessage(tag);
          boolean hasShape = false;
          while (tensor.hasMore()) {
            int inner = tensor.readTag();
            hasShape |= inner >>> 3 == TENSOR_TYPE_SHAPE;
            tensor.skip(inner);
          }
          shapeless = !hasShape;
        } else {
          type.skip(tag);
        }
      }
      return shapeless;
    }

    private static String valueInfoName(Reader reader) {
      String valueName = "";
      while (reader.hasMore()) {
        int tag = reader.readTag();
        if (tag >>> 3 == VALUE_INFO_NAME) {
          valueName = reader.readString(tag);
        } else {
          reader.skip(tag);
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

  /** Encodes the few protobuf fields {@link #withFloatOutputs} writes. */
  private static final class Writer {
    private Writer() {}

    static byte[] varint(int field, long value) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      writeVarint(out, (long) field << 3 | WIRE_VARINT);
      writeVarint(out, value);
      return out.toByteArray();
    }

    static byte[] message(int field, byte[] body) {
      return bytes(field, body);
    }

    static byte[] bytes(int field, byte[] body) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 8);
      writeVarint(out, (long) field << 3 | WIRE_LENGTH_DELIMITED);
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

  /** A bounds-checked cursor over one protobuf message. */
  private static final class Reader {
    private final ByteBuffer buffer;

    Reader(ByteBuffer buffer) {
      this.buffer = buffer.slice();
    }

    boolean hasMore() {
      return buffer.hasRemaining();
    }

    int readTag() {
      long tag = rawVarint();
      if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
        throw malformed("invalid field tag " + tag);
      }
      return (int) tag;
    }

    long readVarint(int tag) {
      expectWireType(tag, WIRE_VARINT);
      return rawVarint();
    }

    /** A repeated varint field, packed or not. */
    void readRepeatedVarint(int tag, java.util.function.LongConsumer sink) {
      if ((tag & 7) == WIRE_LENGTH_DELIMITED) {
        Reader packed = readMessage(tag);
        while (packed.hasMore()) {
          sink.accept(packed.rawVarint());
        }
      } else {
        sink.accept(readVarint(tag));
      }
    }

    String readString(int tag) {
      ByteBuffer bytes = readLengthDelimited(tag);
      byte[] copy = new byte[bytes.remaining()];
      bytes.get(copy);
      return new String(copy, StandardCharsets.UTF_8);
    }

    Reader readMessage(int tag) {
      return new Reader(readLengthDelimited(tag));
    }

    void skip(int tag) {
      switch (tag & 7) {
        case WIRE_VARINT -> rawVarint();
        case WIRE_FIXED64 -> advance(8);
        case WIRE_LENGTH_DELIMITED -> advance(length());
        case WIRE_FIXED32 -> advance(4);
        default ->
            throw malformed("unsupported wire type " + (tag & 7) + " in field " + (tag >>> 3));
      }
    }

    private ByteBuffer readLengthDelimited(int tag) {
      expectWireType(tag, WIRE_LENGTH_DELIMITED);
      int length = length();
      ByteBuffer slice = buffer.slice(buffer.position(), length);
      advance(length);
      return slice;
    }

    private int length() {
      long length = rawVarint();
      if (length < 0 || length > buffer.remaining()) {
        throw malformed(
            "length " + length + " exceeds the " + buffer.remaining() + " bytes that remain");
      }
      return (int) length;
    }

    private void advance(int bytes) {
      if (bytes > buffer.remaining()) {
        throw malformed("truncated message");
      }
      buffer.position(buffer.position() + bytes);
    }

    private long rawVarint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (!buffer.hasRemaining()) {
          throw malformed("truncated varint");
        }
        byte b = buffer.get();
        value |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw malformed("varint longer than 10 bytes");
    }

    private void expectWireType(int tag, int wireType) {
      if ((tag & 7) != wireType) {
        throw malformed(
            "field "
                + (tag >>> 3)
                + " has wire type "
                + (tag & 7)
                + " (expected: "
                + wireType
                + ")");
      }
    }

    private static IllegalArgumentException malformed(String problem) {
      return new IllegalArgumentException("not a valid ONNX protobuf: " + problem);
    }
  }
}
