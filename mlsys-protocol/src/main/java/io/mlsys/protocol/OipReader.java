package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Open Inference Protocol V2 JSON requests and responses with a streaming parser, straight
 * into primitive arrays. One instance per body; not thread-safe.
 */
final class OipReader {
  /** Tensor parameter that marks BYTES elements written as base64 (our extension). */
  static final String CONTENT_ENCODING = "content_encoding";

  static final String BASE64 = "base64";

  /** Tensor parameter of the binary tensor data extension: the byte size of its binary data. */
  static final String BINARY_DATA_SIZE = "binary_data_size";

  private static final String REQUEST_KEYS = "id, parameters, inputs, outputs";
  private static final String RESPONSE_KEYS = "model_name, model_version, id, parameters, outputs";
  private static final String TENSOR_KEYS = "name, shape, datatype, parameters, data";
  private static final String OUTPUT_KEYS = "name, parameters";
  private static final int INITIAL_RANK = 4;

  private final JsonFactory factory;
  private final byte[] body;

  /** End of the JSON in {@link #body}: the whole body, or the JSON header of a binary body. */
  private final int jsonEnd;

  /** Whether tensors may carry their data after the JSON (the binary tensor data extension). */
  private final boolean binary;

  /** Where the binary data of the next binary tensor starts. */
  private int binaryCursor;

  private OipReader(JsonFactory factory, byte[] body, int jsonEnd, boolean binary) {
    this.factory = factory;
    this.body = body;
    this.jsonEnd = jsonEnd;
    this.binary = binary;
    this.binaryCursor = jsonEnd;
  }

  static InferRequest readRequest(JsonFactory factory, byte[] body) {
    OipReader reader = new OipReader(factory, body, body == null ? 0 : body.length, false);
    return Json.parseObject(factory, body, reader.jsonEnd, reader::requestMembers);
  }

  static InferResponse readResponse(JsonFactory factory, byte[] body) {
    OipReader reader = new OipReader(factory, body, body == null ? 0 : body.length, false);
    return Json.parseObject(factory, body, reader.jsonEnd, reader::responseMembers);
  }

  /**
   * Reads a request of the binary tensor data extension: {@code jsonLength} bytes of JSON, then the
   * binary data of the inputs that have {@code binary_data_size}, in their order.
   */
  static InferRequest readBinaryRequest(JsonFactory factory, byte[] body, int jsonLength) {
    OipReader reader = binaryReader(factory, body, jsonLength);
    InferRequest request = Json.parseObject(factory, body, jsonLength, reader::requestMembers);
    reader.requireBinaryConsumed("inputs");
    return request;
  }

  /** As {@link #readBinaryRequest} for a response and its outputs. */
  static InferResponse readBinaryResponse(JsonFactory factory, byte[] body, int jsonLength) {
    OipReader reader = binaryReader(factory, body, jsonLength);
    InferResponse response = Json.parseObject(factory, body, jsonLength, reader::responseMembers);
    reader.requireBinaryConsumed("outputs");
    return response;
  }

  private static OipReader binaryReader(JsonFactory factory, byte[] body, int jsonLength) {
    if (body == null) {
      throw new InvalidInputException("body", "missing (expected: a JSON header and binary data)");
    }
    if (jsonLength < 0) {
      throw new InvalidInputException(
          OipBinary.INFERENCE_HEADER_CONTENT_LENGTH,
          jsonLength + " (expected: the byte length of the JSON header, >= 0)");
    }
    if (jsonLength > body.length) {
      throw new InvalidInputException(
          OipBinary.INFERENCE_HEADER_CONTENT_LENGTH,
          jsonLength + " (expected: at most " + body.length + ", the length of the body)");
    }
    return new OipReader(factory, body, jsonLength, true);
  }

  private void requireBinaryConsumed(String tensors) {
    int left = body.length - binaryCursor;
    if (left > 0) {
      throw new InvalidInputException(
          "body",
          left
              + " bytes after the binary data of the "
              + tensors
              + " (expected: the body to end after the "
              + (binaryCursor - jsonEnd)
              + " bytes their binary_data_size add up to)");
    }
  }

  private InferRequest requestMembers(JsonParser p) throws IOException {
    String id = null;
    Map<String, Object> parameters = Map.of();
    List<Tensor> inputs = null;
    List<RequestedOutput> outputs = List.of();
    int seen = 0;
    while (Json.next(p) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      Json.next(p);
      int bit =
          switch (key) {
            case "id" -> {
              id = Json.readString(p, "id", "a string");
              yield 1;
            }
            case "parameters" -> {
              parameters = Json.readParameters(p, "parameters");
              yield 2;
            }
            case "inputs" -> {
              inputs = readTensors(p, "inputs", "input");
              yield 4;
            }
            case "outputs" -> {
              outputs = readRequestedOutputs(p);
              yield 8;
            }
            default -> throw Json.unknownKey(Json.key(key), REQUEST_KEYS);
          };
      seen = markSeen(seen, bit, key);
    }
    if (inputs == null) {
      throw new InvalidInputException("inputs", "missing (expected: an array of input tensors)");
    }
    return new InferRequest(id, inputs, outputs, parameters);
  }

  private InferResponse responseMembers(JsonParser p) throws IOException {
    String modelName = null;
    String modelVersion = null;
    String id = null;
    Map<String, Object> parameters = Map.of();
    List<Tensor> outputs = null;
    int seen = 0;
    while (Json.next(p) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      Json.next(p);
      int bit =
          switch (key) {
            case "model_name" -> {
              modelName = Json.readString(p, "model_name", "a string");
              yield 1;
            }
            case "model_version" -> {
              modelVersion = Json.readString(p, "model_version", "a string");
              yield 2;
            }
            case "id" -> {
              id = Json.readString(p, "id", "a string");
              yield 4;
            }
            case "parameters" -> {
              parameters = Json.readParameters(p, "parameters");
              yield 8;
            }
            case "outputs" -> {
              outputs = readTensors(p, "outputs", "output");
              yield 16;
            }
            default -> throw Json.unknownKey(Json.key(key), RESPONSE_KEYS);
          };
      seen = markSeen(seen, bit, key);
    }
    if (modelName == null) {
      throw new InvalidInputException("model_name", "missing (expected: a string)");
    }
    if (outputs == null) {
      throw new InvalidInputException("outputs", "missing (expected: an array of output tensors)");
    }
    return new InferResponse(modelName, modelVersion, id, outputs, parameters);
  }

  private static int markSeen(int seen, int bit, String field) {
    if ((seen & bit) != 0) {
      throw Json.duplicateKey(field);
    }
    return seen | bit;
  }

  private List<Tensor> readTensors(JsonParser p, String field, String kind) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new InvalidInputException(
          field, Json.describe(p) + " (expected: an array of " + kind + " tensors)");
    }
    List<Tensor> tensors = new ArrayList<>(2);
    Map<String, Integer> names = new HashMap<>();
    JsonToken token;
    while ((token = Json.next(p)) != JsonToken.END_ARRAY) {
      int index = tensors.size();
      String path = field + "[" + index + "]";
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidInputException(
            path, Json.describe(p) + " (expected: an " + kind + " tensor object)");
      }
      Tensor tensor = readTensor(p, path);
      Integer previous = names.putIfAbsent(tensor.name(), index);
      if (previous != null) {
        throw new InvalidInputException(
            path + ".name",
            "'"
                + Json.key(tensor.name())
                + "' is also the name of "
                + field
                + "["
                + previous
                + "] (expected: unique "
                + kind
                + " names)");
      }
      tensors.add(tensor);
    }
    if (tensors.isEmpty() && field.equals("inputs")) {
      throw new InvalidInputException("inputs", "empty (expected: at least one input tensor)");
    }
    return tensors;
  }

  private static List<RequestedOutput> readRequestedOutputs(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new InvalidInputException(
          "outputs", Json.describe(p) + " (expected: an array of requested outputs)");
    }
    List<RequestedOutput> outputs = new ArrayList<>(2);
    Map<String, Integer> names = new HashMap<>();
    JsonToken token;
    while ((token = Json.next(p)) != JsonToken.END_ARRAY) {
      int index = outputs.size();
      String path = "outputs[" + index + "]";
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidInputException(
            path, Json.describe(p) + " (expected: an object with the output's name)");
      }
      String name = null;
      Map<String, Object> parameters = Map.of();
      int seen = 0;
      while (Json.next(p) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        Json.next(p);
        int bit =
            switch (key) {
              case "name" -> {
                name = Json.readString(p, path + ".name", "a string");
                yield 1;
              }
              case "parameters" -> {
                parameters = Json.readParameters(p, path + ".parameters");
                yield 2;
              }
              default -> throw Json.unknownKey(path + "." + Json.key(key), OUTPUT_KEYS);
            };
        seen = markSeen(seen, bit, path + "." + Json.key(key));
      }
      if (name == null) {
        throw new InvalidInputException(path + ".name", "missing (expected: an output name)");
      }
      Integer previous = names.putIfAbsent(name, index);
      if (previous != null) {
        throw new InvalidInputException(
            path + ".name",
            "'"
                + Json.key(name)
                + "' is also the name of outputs["
                + previous
                + "] (expected: unique output names)");
      }
      outputs.add(new RequestedOutput(name, parameters));
    }
    return outputs;
  }

  /** Reads one tensor object; the parser sits on its START_OBJECT. */
  private Tensor readTensor(JsonParser p, String path) throws IOException {
    String name = null;
    long[] shape = null;
    DataType datatype = null;
    Map<String, Object> parameters = Map.of();
    TensorData data = null;
    int dataStart = -1;
    int dataEnd = -1;
    boolean hasData = false;
    int seen = 0;
    while (Json.next(p) == JsonToken.FIELD_NAME) {
      String key = p.currentName();
      Json.next(p);
      int bit =
          switch (key) {
            case "name" -> {
              name = Json.readString(p, path + ".name", "a string");
              if (name.isEmpty()) {
                throw new InvalidInputException(path + ".name", "empty (expected: a tensor name)");
              }
              yield 1;
            }
            case "shape" -> {
              shape = readShape(p, path + ".shape");
              yield 2;
            }
            case "datatype" -> {
              String wire = Json.readString(p, path + ".datatype", "a datatype name such as FP32");
              datatype = DataType.fromWireName(wire, path + ".datatype");
              yield 4;
            }
            case "parameters" -> {
              parameters = Json.readParameters(p, path + ".parameters");
              yield 8;
            }
            case "data" -> {
              hasData = true;
              if (p.currentToken() != JsonToken.START_ARRAY) {
                throw new InvalidInputException(
                    path + ".data", Json.describe(p) + " (expected: an array of values)");
              }
              if (datatype != null && shape != null) {
                data = readData(p, datatype, shape, path + ".data");
              } else {
                // Keys may come in any order: remember where the data is and read it once the
                // datatype and shape are known.
                dataStart = (int) p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                dataEnd = (int) p.currentTokenLocation().getByteOffset() + 1;
              }
              yield 16;
            }
            default -> throw Json.unknownKey(path + "." + Json.key(key), TENSOR_KEYS);
          };
      seen = markSeen(seen, bit, path + "." + Json.key(key));
    }
    if (name == null) {
      throw new InvalidInputException(path + ".name", "missing (expected: a tensor name)");
    }
    if (shape == null) {
      throw new InvalidInputException(path + ".shape", "missing (expected: an array of integers)");
    }
    if (datatype == null) {
      throw new InvalidInputException(
          path + ".datatype", "missing (expected: a datatype name such as FP32)");
    }
    if (!parameters.isEmpty() && parameters.containsKey(BINARY_DATA_SIZE)) {
      if (hasData) {
        throw new InvalidInputException(
            path + ".parameters." + BINARY_DATA_SIZE,
            parameters.get(BINARY_DATA_SIZE)
                + " given with data (expected: either data or "
                + BINARY_DATA_SIZE
                + ", not both)");
      }
      if (!binary) {
        throw new InvalidInputException(
            path + ".data",
            "missing (expected: an array of values; "
                + BINARY_DATA_SIZE
                + " needs the binary tensor data extension, with the JSON length in the "
                + OipBinary.INFERENCE_HEADER_CONTENT_LENGTH
                + " header)");
      }
      data = readBinaryData(datatype, shape, parameters.get(BINARY_DATA_SIZE), path);
      parameters = without(parameters, BINARY_DATA_SIZE);
    } else if (data == null) {
      if (dataStart < 0) {
        throw new InvalidInputException(path + ".data", "missing (expected: an array of values)");
      }
      data = readDeferredData(dataStart, dataEnd, datatype, shape, path + ".data");
    }
    if (datatype == DataType.BYTES && parameters.containsKey(CONTENT_ENCODING)) {
      parameters = decodeBase64(parameters, ((TensorData.ByteStrings) data).values(), path);
    }
    return new Tensor(name, datatype, shape, data, parameters);
  }

  /** Reads the next tensor's bytes from the binary part of the body. */
  private TensorData readBinaryData(
      DataType datatype, long[] shape, Object sizeValue, String path) {
    String sizeField = path + ".parameters." + BINARY_DATA_SIZE;
    if (!(sizeValue instanceof Long size) || size < 0) {
      String shown = sizeValue instanceof String s ? '"' + Json.key(s) + '"' : sizeValue.toString();
      throw new InvalidInputException(
          sizeField, shown + " (expected: an integer >= 0, the byte size of the binary data)");
    }
    RawTensors.checkSize(datatype, shape, size, sizeField);
    int left = body.length - binaryCursor;
    if (size > left) {
      throw new InvalidInputException(
          sizeField,
          size
              + " (expected: at most "
              + left
              + ", the bytes left in the body after the JSON header"
              + (binaryCursor > jsonEnd ? " and the binary data before this tensor" : "")
              + ")");
    }
    int offset = binaryCursor;
    binaryCursor += (int) (long) size;
    return RawTensors.read(
        datatype, shape, body, offset, (int) (long) size, path + ".data", sizeField);
  }

  private static Map<String, Object> without(Map<String, Object> parameters, String name) {
    Map<String, Object> rest = new LinkedHashMap<>(parameters);
    rest.remove(name);
    return rest;
  }

  private TensorData readDeferredData(
      int start, int end, DataType datatype, long[] shape, String field) throws IOException {
    try (JsonParser p = factory.createParser(body, start, end - start)) {
      Json.next(p);
      return readData(p, datatype, shape, field);
    }
  }

  private static long[] readShape(JsonParser p, String field) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw new InvalidInputException(
          field, Json.describe(p) + " (expected: an array of integers)");
    }
    long[] dims = new long[INITIAL_RANK];
    int rank = 0;
    long count = 1;
    JsonToken token;
    while ((token = Json.next(p)) != JsonToken.END_ARRAY) {
      String dimField = field + "[" + rank + "]";
      if (token != JsonToken.VALUE_NUMBER_INT
          || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new InvalidInputException(
            dimField, Json.describe(p) + " (expected: an integer >= 0)");
      }
      long dim = p.getLongValue();
      if (dim < 0) {
        throw new InvalidInputException(dimField, dim + " (expected: an integer >= 0)");
      }
      if (dim > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            dimField, dim + " (expected: at most " + Integer.MAX_VALUE + ")");
      }
      if (rank == dims.length) {
        dims = Arrays.copyOf(dims, rank * 2);
      }
      dims[rank++] = dim;
      count *= dim; // both factors < 2^31 until the check below trips
      if (count > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            field, "more than " + Integer.MAX_VALUE + " elements (expected: fewer)");
      }
    }
    return rank == dims.length ? dims : Arrays.copyOf(dims, rank);
  }

  /**
   * Reads a data array, flat (row-major) or nested exactly as the shape; the parser sits on its
   * START_ARRAY.
   */
  private TensorData readData(JsonParser p, DataType datatype, long[] shape, String field)
      throws IOException {
    int count = (int) elementCount(shape);
    // Every element takes at least two bytes of the body ("1,"), so a shape that claims more
    // elements than that cannot be right; do not let it allocate.
    int capacity = Math.min(count, jsonEnd / 2 + 1);
    DataBuffer buffer = new DataBuffer(datatype, capacity);
    JsonToken first = Json.next(p);
    if (first == JsonToken.START_ARRAY) {
      if (shape.length < 2) {
        throw new InvalidInputException(
            field + "[0]",
            "an array (expected: "
                + expectedElement(datatype)
                + "; nested data must match shape "
                + Arrays.toString(shape)
                + ")");
      }
      new NestedData(p, buffer, shape, field).level(0, first);
      return buffer.build();
    }
    JsonToken token = first;
    while (token != JsonToken.END_ARRAY) {
      if (token == JsonToken.START_ARRAY) {
        throw new InvalidInputException(
            field + "[" + buffer.size() + "]",
            "an array (expected: "
                + expectedElement(datatype)
                + "; data must be all flat or nested like shape "
                + Arrays.toString(shape)
                + ")");
      }
      try {
        buffer.read(p);
      } catch (DataBuffer.BadElement e) {
        throw new InvalidInputException(field + "[" + buffer.size() + "]", e.problem());
      }
      token = Json.next(p);
    }
    if (buffer.size() != count) {
      throw new InvalidInputException(
          field,
          buffer.size()
              + " values (expected: "
              + count
              + " for shape "
              + Arrays.toString(shape)
              + ")");
    }
    return buffer.build();
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }

  private static String expectedElement(DataType datatype) {
    return switch (datatype) {
      case BOOL -> "true or false for BOOL";
      case BYTES -> "a string for BYTES";
      case FP16, BF16, FP32, FP64 -> "a number for " + datatype;
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64 -> "an integer for " + datatype;
    };
  }

  /** Nested data: each level an array of exactly shape[level] entries. */
  private static final class NestedData {
    private final JsonParser p;
    private final DataBuffer buffer;
    private final long[] shape;
    private final String field;
    private final int[] index;

    NestedData(JsonParser p, DataBuffer buffer, long[] shape, String field) {
      this.p = p;
      this.buffer = buffer;
      this.shape = shape;
      this.field = field;
      this.index = new int[shape.length];
    }

    /** Reads the entries of an array at {@code depth} whose first entry token is current. */
    void level(int depth, JsonToken firstEntry) throws IOException {
      boolean leaves = depth == shape.length - 1;
      int n = 0;
      JsonToken token = firstEntry;
      while (token != JsonToken.END_ARRAY) {
        index[depth] = n;
        if (leaves) {
          if (token == JsonToken.START_ARRAY) {
            throw new InvalidInputException(
                path(depth + 1),
                "an array (expected: "
                    + expectedElement(buffer.type())
                    + "; nesting deeper than shape "
                    + Arrays.toString(shape)
                    + ")");
          }
          try {
            buffer.read(p);
          } catch (DataBuffer.BadElement e) {
            throw new InvalidInputException(path(depth + 1), e.problem());
          }
        } else {
          if (token != JsonToken.START_ARRAY) {
            throw new InvalidInputException(
                path(depth + 1),
                Json.describe(p)
                    + " (expected: an array of "
                    + shape[depth + 1]
                    + " values, nested like shape "
                    + Arrays.toString(shape)
                    + ")");
          }
          level(depth + 1, Json.next(p));
        }
        n++;
        token = Json.next(p);
      }
      if (n != shape[depth]) {
        throw new InvalidInputException(
            path(depth),
            n
                + " values (expected: "
                + shape[depth]
                + " for dimension "
                + depth
                + " of shape "
                + Arrays.toString(shape)
                + ")");
      }
    }

    /** The path of the entry at {@code depth}, e.g. {@code inputs[0].data[1][2]}. */
    private String path(int depth) {
      StringBuilder path = new StringBuilder(field);
      for (int i = 0; i < depth; i++) {
        path.append('[').append(index[i]).append(']');
      }
      return path.toString();
    }
  }

  /** Decodes base64 BYTES elements in place and drops the wire-only parameter. */
  private static Map<String, Object> decodeBase64(
      Map<String, Object> parameters, byte[][] values, String path) {
    Object encoding = parameters.get(CONTENT_ENCODING);
    if (!BASE64.equals(encoding)) {
      throw new InvalidInputException(
          path + ".parameters." + CONTENT_ENCODING,
          (encoding instanceof String s ? "'" + Json.key(s) + "'" : String.valueOf(encoding))
              + " (expected: base64)");
    }
    Base64.Decoder decoder = Base64.getDecoder();
    for (int i = 0; i < values.length; i++) {
      try {
        values[i] = decoder.decode(values[i]);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(
            path + ".data[" + i + "]",
            "not base64 ("
                + Json.sanitize(e.getMessage(), 80)
                + ") (expected: base64 text, as parameter "
                + CONTENT_ENCODING
                + " says)");
      }
    }
    return without(parameters, CONTENT_ENCODING);
  }
}
