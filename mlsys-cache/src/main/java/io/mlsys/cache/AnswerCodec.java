package io.mlsys.cache;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compact binary form of a cached answer, as the Redis tier stores it and as the in-process
 * tier weighs it: a format byte, the instant the answer stops being fresh, the model's name and
 * version, the response parameters, then each output tensor (name, datatype, shape, parameters,
 * elements in their primitive width). The request id is not kept: a hit answers with its own.
 *
 * <p>An entry of another format, or a truncated one, reads as absent, never as a wrong answer.
 */
final class AnswerCodec {
  static final byte FORMAT = 1;

  private static final byte STRING = 's';
  private static final byte BOOLEAN = 'b';
  private static final byte LONG = 'l';
  private static final byte DOUBLE = 'd';

  private AnswerCodec() {}

  /** A decoded entry: the answer and when it stops being fresh. */
  record Entry(InferResponse response, Instant freshUntil) {}

  static byte[] encode(InferResponse response, Instant freshUntil) {
    ByteBuffer out = ByteBuffer.allocate(size(response));
    out.put(FORMAT);
    out.putLong(freshUntil.toEpochMilli());
    putString(out, response.modelName());
    putString(out, response.modelVersion());
    putParameters(out, response.parameters());
    out.putInt(response.outputs().size());
    for (Tensor output : response.outputs()) {
      putTensor(out, output);
    }
    return out.array();
  }

  /** The encoded size of a response, without encoding it: what the in-process tier weighs. */
  static int size(InferResponse response) {
    int size = 1 + Long.BYTES + string(response.modelName()) + string(response.modelVersion());
    size += parametersSize(response.parameters()) + Integer.BYTES;
    for (Tensor output : response.outputs()) {
      size += tensorSize(output);
    }
    return size;
  }

  /** The entry in {@code bytes}, or null when they are not an entry of this format. */
  static Entry decode(byte[] bytes) {
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes);
      if (in.get() != FORMAT) {
        return null;
      }
      Instant freshUntil = Instant.ofEpochMilli(in.getLong());
      String modelName = getString(in);
      String modelVersion = getString(in);
      Map<String, Object> parameters = getParameters(in);
      int count = in.getInt();
      List<Tensor> outputs = new ArrayList<>(Math.min(count, 64));
      for (int i = 0; i < count; i++) {
        outputs.add(getTensor(in));
      }
      if (in.hasRemaining() || modelName == null) {
        return null;
      }
      return new Entry(
          new InferResponse(modelName, modelVersion, null, outputs, parameters), freshUntil);
    } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
      return null;
    }
  }

  private static int tensorSize(Tensor tensor) {
    int size = string(tensor.name()) + 1 + Integer.BYTES + tensor.shape().length * Long.BYTES;
    size += parametersSize(tensor.parameters());
    if (tensor.data() instanceof TensorData.ByteStrings strings) {
      size += Integer.BYTES;
      for (byte[] element : strings.values()) {
        size += Integer.BYTES + element.length;
      }
      return size;
    }
    int width = tensor.datatype() == DataType.BOOL ? 1 : tensor.datatype().byteSize();
    return size + Integer.BYTES + tensor.data().size() * width;
  }

  private static void putTensor(ByteBuffer out, Tensor tensor) {
    putString(out, tensor.name());
    out.put((byte) tensor.datatype().ordinal());
    out.putInt(tensor.shape().length);
    for (long dim : tensor.shape()) {
      out.putLong(dim);
    }
    putParameters(out, tensor.parameters());
    TensorData data = tensor.data();
    out.putInt(data.size());
    switch (data) {
      case TensorData.Bools d -> {
        for (boolean value : d.values()) {
          out.put((byte) (value ? 1 : 0));
        }
      }
      case TensorData.Bytes d -> out.put(d.values());
      case TensorData.Shorts d -> {
        out.asShortBuffer().put(d.values());
        out.position(out.position() + d.values().length * Short.BYTES);
      }
      case TensorData.Ints d -> {
        out.asIntBuffer().put(d.values());
        out.position(out.position() + d.values().length * Integer.BYTES);
      }
      case TensorData.Longs d -> {
        out.asLongBuffer().put(d.values());
        out.position(out.position() + d.values().length * Long.BYTES);
      }
      case TensorData.Floats d -> {
        out.asFloatBuffer().put(d.values());
        out.position(out.position() + d.values().length * Float.BYTES);
      }
      case TensorData.Doubles d -> {
        out.asDoubleBuffer().put(d.values());
        out.position(out.position() + d.values().length * Double.BYTES);
      }
      case TensorData.ByteStrings d -> {
        for (byte[] element : d.values()) {
          out.putInt(element.length);
          out.put(element);
        }
      }
    }
  }

  private static Tensor getTensor(ByteBuffer in) {
    String name = getString(in);
    int ordinal = in.get();
    DataType[] types = DataType.values();
    if (name == null || ordinal < 0 || ordinal >= types.length) {
      throw new IllegalArgumentException("not a tensor");
    }
    DataType datatype = types[ordinal];
    int rank = in.getInt();
    if (rank < 0 || rank > in.remaining() / Long.BYTES) {
      throw new IllegalArgumentException("rank " + rank);
    }
    long[] shape = new long[rank];
    for (int i = 0; i < rank; i++) {
      shape[i] = in.getLong();
    }
    Map<String, Object> parameters = getParameters(in);
    int n = in.getInt();
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("size " + n);
    }
    TensorData data =
        switch (datatype.storage()) {
          case BOOLEAN -> {
            boolean[] values = new boolean[n];
            for (int i = 0; i < n; i++) {
              values[i] = in.get() != 0;
            }
            yield new TensorData.Bools(values);
          }
          case BYTE -> {
            byte[] values = new byte[n];
            in.get(values);
            yield new TensorData.Bytes(values);
          }
          case SHORT -> {
            short[] values = new short[n];
            in.asShortBuffer().get(values);
            in.position(in.position() + n * Short.BYTES);
            yield new TensorData.Shorts(values);
          }
          case INT -> {
            int[] values = new int[n];
            in.asIntBuffer().get(values);
            in.position(in.position() + n * Integer.BYTES);
            yield new TensorData.Ints(values);
          }
          case LONG -> {
            long[] values = new long[n];
            in.asLongBuffer().get(values);
            in.position(in.position() + n * Long.BYTES);
            yield new TensorData.Longs(values);
          }
          case FLOAT -> {
            float[] values = new float[n];
            in.asFloatBuffer().get(values);
            in.position(in.position() + n * Float.BYTES);
            yield new TensorData.Floats(values);
          }
          case DOUBLE -> {
            double[] values = new double[n];
            in.asDoubleBuffer().get(values);
            in.position(in.position() + n * Double.BYTES);
            yield new TensorData.Doubles(values);
          }
          case BYTES -> {
            byte[][] values = new byte[n][];
            for (int i = 0; i < n; i++) {
              int length = in.getInt();
              if (length < 0 || length > in.remaining()) {
                throw new IllegalArgumentException("length " + length);
              }
              values[i] = new byte[length];
              in.get(values[i]);
            }
            yield new TensorData.ByteStrings(values);
          }
        };
    return new Tensor(name, datatype, shape, data, parameters);
  }

  private static int parametersSize(Map<String, Object> parameters) {
    int size = Integer.BYTES;
    for (Map.Entry<String, Object> entry : parameters.entrySet()) {
      size += string(entry.getKey()) + 1;
      size +=
          switch (entry.getValue()) {
            case String s -> string(s);
            case Boolean ignored -> 1;
            case Long ignored -> Long.BYTES;
            case Double ignored -> Double.BYTES;
            default -> string(String.valueOf(entry.getValue()));
          };
    }
    return size;
  }

  private static void putParameters(ByteBuffer out, Map<String, Object> parameters) {
    out.putInt(parameters.size());
    for (Map.Entry<String, Object> entry : parameters.entrySet()) {
      putString(out, entry.getKey());
      switch (entry.getValue()) {
        case String s -> {
          out.put(STRING);
          putString(out, s);
        }
        case Boolean b -> {
          out.put(BOOLEAN);
          out.put((byte) (b ? 1 : 0));
        }
        case Long l -> {
          out.put(LONG);
          out.putLong(l);
        }
        case Double d -> {
          out.put(DOUBLE);
          out.putDouble(d);
        }
        default -> {
          out.put(STRING);
          putString(out, String.valueOf(entry.getValue()));
        }
      }
    }
  }

  private static Map<String, Object> getParameters(ByteBuffer in) {
    int count = in.getInt();
    if (count < 0 || count > in.remaining()) {
      throw new IllegalArgumentException("parameters " + count);
    }
    Map<String, Object> parameters = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String key = getString(in);
      byte type = in.get();
      Object value =
          switch (type) {
            case STRING -> getString(in);
            case BOOLEAN -> in.get() != 0;
            case LONG -> in.getLong();
            case DOUBLE -> in.getDouble();
            default -> throw new IllegalArgumentException("parameter type " + type);
          };
      if (key == null || value == null) {
        throw new IllegalArgumentException("null parameter");
      }
      parameters.put(key, value);
    }
    return parameters;
  }

  private static int string(String value) {
    return Integer.BYTES + (value == null ? 0 : value.getBytes(StandardCharsets.UTF_8).length);
  }

  private static void putString(ByteBuffer out, String value) {
    if (value == null) {
      out.putInt(-1);
      return;
    }
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.putInt(bytes.length);
    out.put(bytes);
  }

  private static String getString(ByteBuffer in) {
    int length = in.getInt();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("length " + length);
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
