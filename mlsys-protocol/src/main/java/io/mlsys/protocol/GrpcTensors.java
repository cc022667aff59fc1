package io.mlsys.protocol;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import inference.GrpcPredictV2.InferParameter;
import inference.GrpcPredictV2.InferTensorContents;
import inference.GrpcPredictV2.ModelInferRequest;
import inference.GrpcPredictV2.ModelInferRequest.InferInputTensor;
import inference.GrpcPredictV2.ModelInferRequest.InferRequestedOutputTensor;
import inference.GrpcPredictV2.ModelInferResponse;
import inference.GrpcPredictV2.ModelInferResponse.InferOutputTensor;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol gRPC messages to and from the core {@link InferRequest} and {@link
 * InferResponse}. Stateless.
 *
 * <p>Tensor elements travel either in the typed {@code contents} field of each tensor or, for all
 * tensors of a message at once, in {@code raw_input_contents} / {@code raw_output_contents}: row
 * major, little-endian, no padding; BOOL one byte (0 or 1); FP16 and BF16 their 16-bit patterns;
 * each BYTES element a 4-byte little-endian length and then its bytes (Triton's layout). A request
 * that used raw inputs is answered with raw outputs, as Triton does; so is a response with an FP16
 * or BF16 output, which has no typed field.
 *
 * <p>Reading is strict, and every problem is an {@link InvalidInputException} naming the field,
 * such as {@code inputs[0].contents.fp32_contents} or {@code raw_input_contents[1]}.
 */
public final class GrpcTensors {
  /** The typed contents fields, in field-number order. */
  private enum Field {
    BOOL("bool_contents"),
    INT("int_contents"),
    INT64("int64_contents"),
    UINT("uint_contents"),
    UINT64("uint64_contents"),
    FP32("fp32_contents"),
    FP64("fp64_contents"),
    BYTES("bytes_contents");

    private final String protoName;

    Field(String protoName) {
      this.protoName = protoName;
    }

    int count(InferTensorContents contents) {
      return switch (this) {
        case BOOL -> contents.getBoolContentsCount();
        case INT -> contents.getIntContentsCount();
        case INT64 -> contents.getInt64ContentsCount();
        case UINT -> contents.getUintContentsCount();
        case UINT64 -> contents.getUint64ContentsCount();
        case FP32 -> contents.getFp32ContentsCount();
        case FP64 -> contents.getFp64ContentsCount();
        case BYTES -> contents.getBytesContentsCount();
      };
    }

    /** The field that holds a datatype's elements; null for FP16 and BF16, which have none. */
    static Field of(DataType datatype) {
      return switch (datatype) {
        case BOOL -> BOOL;
        case INT8, INT16, INT32 -> INT;
        case INT64 -> INT64;
        case UINT8, UINT16, UINT32 -> UINT;
        case UINT64 -> UINT64;
        case FP32 -> FP32;
        case FP64 -> FP64;
        case BYTES -> BYTES;
        case FP16, BF16 -> null;
      };
    }
  }

  private GrpcTensors() {}

  /**
   * Reads a {@code ModelInferRequest} (its model name and version are the caller's business).
   *
   * @throws InvalidInputException naming the field when the request is malformed
   */
  public static InferRequest readRequest(ModelInferRequest request) {
    int inputCount = request.getInputsCount();
    if (inputCount == 0) {
      throw new InvalidInputException("inputs", "empty (expected: at least one input tensor)");
    }
    int rawCount = request.getRawInputContentsCount();
    boolean raw = rawCount > 0;
    if (raw && rawCount != inputCount) {
      throw new InvalidInputException(
          "raw_input_contents",
          rawCount
              + " entries for "
              + inputCount
              + " inputs (expected: one entry per input, in the order of inputs)");
    }
    List<Tensor> inputs = new ArrayList<>(inputCount);
    Map<String, Integer> names = inputCount > 1 ? new HashMap<>() : null;
    for (int i = 0; i < inputCount; i++) {
      InferInputTensor input = request.getInputs(i);
      String path = "inputs[" + i + "]";
      String name = requireName(input.getName(), path, "a tensor name");
      if (names != null) {
        checkUnique(names, name, i, "inputs", "input");
      }
      DataType datatype =
          DataType.fromWireName(
              input.getDatatype().isEmpty() ? null : input.getDatatype(), path + ".datatype");
      long[] shape = readShape(input, path + ".shape");
      int count = elementCount(shape, path + ".shape");
      TensorData data;
      if (raw) {
        if (input.hasContents() && hasElements(input.getContents())) {
          throw new InvalidInputException(
              path + ".contents",
              "set along with raw_input_contents (expected: one or the other for all inputs)");
        }
        data =
            readRaw(
                datatype,
                shape,
                count,
                request.getRawInputContents(i),
                "raw_input_contents[" + i + "]");
      } else {
        data = readContents(datatype, shape, count, input.getContents(), path + ".contents");
      }
      Map<String, Object> parameters =
          readParameters(input.getParametersMap(), path + ".parameters");
      inputs.add(new Tensor(name, datatype, shape, data, parameters));
    }
    List<RequestedOutput> outputs = readRequestedOutputs(request);
    return new InferRequest(
        request.getId().isEmpty() ? null : request.getId(),
        inputs,
        outputs,
        readParameters(request.getParametersMap(), "parameters"));
  }

  private static List<RequestedOutput> readRequestedOutputs(ModelInferRequest request) {
    int count = request.getOutputsCount();
    if (count == 0) {
      return List.of();
    }
    List<RequestedOutput> outputs = new ArrayList<>(count);
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < count; i++) {
      InferRequestedOutputTensor output = request.getOutputs(i);
      String path = "outputs[" + i + "]";
      String name = requireName(output.getName(), path, "an output name");
      checkUnique(names, name, i, "outputs", "output");
      outputs.add(
          new RequestedOutput(
              name, readParameters(output.getParametersMap(), path + ".parameters")));
    }
    return outputs;
  }

  private static String requireName(String name, String path, String expected) {
    if (name.isEmpty()) {
      throw new InvalidInputException(path + ".name", "missing (expected: " + expected + ")");
    }
    return name;
  }

  private static void checkUnique(
      Map<String, Integer> names, String name, int index, String field, String kind) {
    Integer previous = names.putIfAbsent(name, index);
    if (previous != null) {
      throw new InvalidInputException(
          field + "[" + index + "].name",
          "'"
              + name
              + "' is also the name of "
              + field
              + "["
              + previous
              + "] (expected: unique "
              + kind
              + " names)");
    }
  }

  private static long[] readShape(InferInputTensor input, String field) {
    int rank = input.getShapeCount();
    long[] shape = new long[rank];
    for (int d = 0; d < rank; d++) {
      long dim = input.getShape(d);
      if (dim < 0) {
        throw new InvalidInputException(
            field + "[" + d + "]", dim + " (expected: an integer >= 0)");
      }
      shape[d] = dim;
    }
    return shape;
  }

  private static int elementCount(long[] shape, String field) {
    long count = 1;
    for (long dim : shape) {
      if (dim > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            field, Arrays.toString(shape) + " is too large (expected: fewer than 2^31 elements)");
      }
      count *= dim; // both factors < 2^31 until the check below trips
      if (count > Integer.MAX_VALUE) {
        throw new InvalidInputException(
            field, Arrays.toString(shape) + " is too large (expected: fewer than 2^31 elements)");
      }
    }
    return (int) count;
  }

  // ---------------------------------------------------------------- typed contents

  private static boolean hasElements(InferTensorContents contents) {
    for (Field field : Field.values()) {
      if (field.count(contents) > 0) {
        return true;
      }
    }
    return false;
  }

  private static TensorData readContents(
      DataType datatype, long[] shape, int count, InferTensorContents contents, String path) {
    Field expected = Field.of(datatype);
    for (Field field : Field.values()) {
      int n = field.count(contents);
      if (field != expected && n > 0) {
        throw new InvalidInputException(
            path + "." + field.protoName,
            n
                + (n == 1 ? " element" : " elements")
                + " for datatype "
                + datatype
                + " (expected: "
                + (expected == null
                    ? "no typed contents: " + datatype + " travels only in raw_input_contents"
                    : expected.protoName)
                + ")");
      }
    }
    if (expected == null) {
      throw new InvalidInputException(
          path,
          "no data for datatype "
              + datatype
              + " (expected: raw_input_contents, the only way "
              + datatype
              + " travels)");
    }
    String field = path + "." + expected.protoName;
    int n = expected.count(contents);
    if (n != count) {
      throw new InvalidInputException(
          field,
          n
              + (n == 1 ? " element" : " elements")
              + " (expected: "
              + count
              + " for shape "
              + Arrays.toString(shape)
              + ")");
    }
    return switch (datatype) {
      case BOOL -> {
        boolean[] values = new boolean[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getBoolContents(i);
        }
        yield new TensorData.Bools(values);
      }
      case INT8 -> {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
          values[i] =
              (byte)
                  signed(
                      contents.getIntContents(i),
                      Byte.MIN_VALUE,
                      Byte.MAX_VALUE,
                      datatype,
                      field,
                      i);
        }
        yield new TensorData.Bytes(values);
      }
      case INT16 -> {
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
          values[i] =
              (short)
                  signed(
                      contents.getIntContents(i),
                      Short.MIN_VALUE,
                      Short.MAX_VALUE,
                      datatype,
                      field,
                      i);
        }
        yield new TensorData.Shorts(values);
      }
      case INT32 -> {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getIntContents(i);
        }
        yield new TensorData.Ints(values);
      }
      case INT64 -> {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getInt64Contents(i);
        }
        yield new TensorData.Longs(values);
      }
      case UINT8 -> {
        byte[] values = new byte[count];
        for (int i = 0; i < count; i++) {
          values[i] = (byte) unsigned(contents.getUintContents(i), 0xFF, datatype, field, i);
        }
        yield new TensorData.Bytes(values);
      }
      case UINT16 -> {
        short[] values = new short[count];
        for (int i = 0; i < count; i++) {
          values[i] = (short) unsigned(contents.getUintContents(i), 0xFFFF, datatype, field, i);
        }
        yield new TensorData.Shorts(values);
      }
      case UINT32 -> {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getUintContents(i);
        }
        yield new TensorData.Ints(values);
      }
      case UINT64 -> {
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getUint64Contents(i);
        }
        yield new TensorData.Longs(values);
      }
      case FP32 -> {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getFp32Contents(i);
        }
        yield new TensorData.Floats(values);
      }
      case FP64 -> {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getFp64Contents(i);
        }
        yield new TensorData.Doubles(values);
      }
      case BYTES -> {
        byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++) {
          values[i] = contents.getBytesContents(i).toByteArray();
        }
        yield new TensorData.ByteStrings(values);
      }
      case FP16, BF16 -> throw new IllegalStateException("no typed field for " + datatype);
    };
  }

  private static int signed(int value, int min, int max, DataType datatype, String field, int i) {
    if (value < min || value > max) {
      throw new InvalidInputException(
          field + "[" + i + "]",
          value + " (expected: " + datatype + ", an integer from " + min + " to " + max + ")");
    }
    return value;
  }

  private static int unsigned(int value, int max, DataType datatype, String field, int i) {
    if (Integer.compareUnsigned(value, max) > 0) {
      throw new InvalidInputException(
          field + "[" + i + "]",
          Integer.toUnsignedString(value)
              + " (expected: "
              + datatype
              + ", an integer from 0 to "
              + max
              + ")");
    }
    return value;
  }

  private static InferTensorContents writeContents(Tensor tensor) {
    InferTensorContents.Builder contents = InferTensorContents.newBuilder();
    switch (tensor.data()) {
      case TensorData.Bools b -> {
        for (boolean value : b.values()) {
          contents.addBoolContents(value);
        }
      }
      case TensorData.Bytes b -> {
        boolean unsigned = tensor.datatype() == DataType.UINT8;
        for (byte value : b.values()) {
          if (unsigned) {
            contents.addUintContents(value & 0xFF);
          } else {
            contents.addIntContents(value);
          }
        }
      }
      case TensorData.Shorts s -> {
        boolean unsigned = tensor.datatype() == DataType.UINT16;
        for (short value : s.values()) {
          if (unsigned) {
            contents.addUintContents(value & 0xFFFF);
          } else {
            contents.addIntContents(value);
          }
        }
      }
      case TensorData.Ints i -> {
        boolean unsigned = tensor.datatype() == DataType.UINT32;
        for (int value : i.values()) {
          if (unsigned) {
            contents.addUintContents(value);
          } else {
            contents.addIntContents(value);
          }
        }
      }
      case TensorData.Longs l -> {
        boolean unsigned = tensor.datatype() == DataType.UINT64;
        for (long value : l.values()) {
          if (unsigned) {
            contents.addUint64Contents(value);
          } else {
            contents.addInt64Contents(value);
          }
        }
      }
      case TensorData.Floats f -> {
        for (float value : f.values()) {
          contents.addFp32Contents(value);
        }
      }
      case TensorData.Doubles d -> {
        for (double value : d.values()) {
          contents.addFp64Contents(value);
        }
      }
      case TensorData.ByteStrings s -> {
        for (byte[] value : s.values()) {
          contents.addBytesContents(UnsafeByteOperations.unsafeWrap(value));
        }
      }
    }
    return contents.build();
  }

  // ---------------------------------------------------------------- raw contents

  private static TensorData readRaw(
      DataType datatype, long[] shape, int count, ByteString raw, String field) {
    RawTensors.checkSize(datatype, shape, raw.size(), field);
    return RawTensors.read(
        datatype, shape, raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN), field, field);
  }

  /** The raw little-endian bytes of a tensor's elements. */
  static ByteString writeRaw(TensorData data, DataType datatype) {
    if (data instanceof TensorData.Bytes b) {
      // Tensors own their arrays and never change them, so they can back the message directly.
      return UnsafeByteOperations.unsafeWrap(b.values());
    }
    long size = RawTensors.byteSize(datatype, data);
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "tensor data of " + size + " bytes does not fit in one gRPC message");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
    RawTensors.write(out, data);
    return UnsafeByteOperations.unsafeWrap(out.array());
  }

  // ---------------------------------------------------------------- response

  /**
   * Writes a {@code ModelInferResponse}.
   *
   * @param raw whether the request used raw inputs; outputs are then raw too
   */
  public static ModelInferResponse writeResponse(InferResponse response, boolean raw) {
    List<Tensor> outputs = response.outputs();
    boolean useRaw = raw || hasReducedFloat(outputs);
    ModelInferResponse.Builder message =
        ModelInferResponse.newBuilder().setModelName(response.modelName());
    if (response.modelVersion() != null) {
      message.setModelVersion(response.modelVersion());
    }
    if (response.id() != null) {
      message.setId(response.id());
    }
    writeParameters(response.parameters(), message::putParameters);
    for (int i = 0; i < outputs.size(); i++) {
      Tensor tensor = outputs.get(i);
      InferOutputTensor.Builder output =
          InferOutputTensor.newBuilder()
              .setName(tensor.name())
              .setDatatype(tensor.datatype().wireName());
      for (long dim : tensor.shape()) {
        output.addShape(dim);
      }
      writeParameters(tensor.parameters(), output::putParameters);
      if (useRaw) {
        message.addRawOutputContents(writeRaw(tensor.data(), tensor.datatype()));
      } else {
        output.setContents(writeContents(tensor));
      }
      message.addOutputs(output);
    }
    return message.build();
  }

  private static boolean hasReducedFloat(List<Tensor> tensors) {
    for (Tensor tensor : tensors) {
      if (tensor.datatype() == DataType.FP16 || tensor.datatype() == DataType.BF16) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- parameters

  /**
   * OIP parameters as the core holds them: Boolean, Long, String or Double.
   *
   * @throws InvalidInputException naming the parameter when it has no value, or a uint64 value
   *     above {@link Long#MAX_VALUE}
   */
  static Map<String, Object> readParameters(Map<String, InferParameter> parameters, String field) {
    if (parameters.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> values = new LinkedHashMap<>(parameters.size() * 2);
    for (Map.Entry<String, InferParameter> entry : parameters.entrySet()) {
      InferParameter parameter = entry.getValue();
      String path = field + "." + entry.getKey();
      Object value =
          switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> parameter.getBoolParam();
            case INT64_PARAM -> parameter.getInt64Param();
            case STRING_PARAM -> parameter.getStringParam();
            case DOUBLE_PARAM -> parameter.getDoubleParam();
            case UINT64_PARAM -> {
              long bits = parameter.getUint64Param();
              if (bits < 0) {
                throw new InvalidInputException(
                    path,
                    Long.toUnsignedString(bits)
                        + " (expected: a uint64_param of at most "
                        + Long.MAX_VALUE
                        + ")");
              }
              yield bits;
            }
            case PARAMETERCHOICE_NOT_SET ->
                throw new InvalidInputException(
                    path,
                    "no value (expected: one of bool_param, int64_param, string_param,"
                        + " double_param, uint64_param)");
          };
      values.put(entry.getKey(), value);
    }
    return values;
  }

  @FunctionalInterface
  private interface ParameterSink {
    void put(String name, InferParameter value);
  }

  private static void writeParameters(Map<String, Object> parameters, ParameterSink sink) {
    for (Map.Entry<String, Object> entry : parameters.entrySet()) {
      sink.put(entry.getKey(), writeParameter(entry.getValue()));
    }
  }

  /** One core parameter value (String, Boolean, Long or Double, as {@code Parameters} keeps). */
  static InferParameter writeParameter(Object value) {
    InferParameter.Builder parameter = InferParameter.newBuilder();
    switch (value) {
      case String s -> parameter.setStringParam(s);
      case Boolean b -> parameter.setBoolParam(b);
      case Long l -> parameter.setInt64Param(l);
      case Double d -> parameter.setDoubleParam(d);
      default ->
          throw new IllegalArgumentException(
              "parameter value " + value + " (expected: String, Boolean, Long or Double)");
    }
    return parameter.build();
  }
}
