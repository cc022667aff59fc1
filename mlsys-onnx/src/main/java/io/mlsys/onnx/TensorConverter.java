package io.mlsys.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import io.mlsys.core.DataType;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Converts Open Inference Protocol tensors to ONNX Runtime tensors and back, through primitive
 * arrays and NIO buffers (never boxed values), except for the ZipMap maps that ONNX Runtime only
 * exposes as Java maps.
 */
final class TensorConverter {
  /** Response tensor parameter naming the class key of each column of a ZipMap output. */
  static final String CLASSES_PARAMETER = "classes";

  private final String modelName;

  TensorConverter(String modelName) {
    this.modelName = modelName;
  }

  /**
   * An ONNX Runtime tensor holding a validated request tensor. Numbers of up to {@value
   * InputBuffers#MAX_BYTES} bytes are copied into a direct buffer from {@code buffers}, which is
   * added to {@code borrowed} (to be released once the tensor is closed); larger ones and other
   * types go through a heap buffer, which ONNX Runtime copies into a direct buffer it owns. Either
   * way the request's arrays are not retained; the caller closes the tensor.
   */
  static OnnxTensor toOrt(
      OrtEnvironment env, Tensor tensor, InputBuffers buffers, List<ByteBuffer> borrowed)
      throws OrtException {
    long[] shape = tensor.shape();
    DataType type = tensor.datatype();
    return switch (tensor.data()) {
      case TensorData.Floats f -> {
        ByteBuffer direct = borrow(buffers, borrowed, (long) f.values().length * Float.BYTES);
        yield direct == null
            ? OnnxTensor.createTensor(env, FloatBuffer.wrap(f.values()), shape)
            : OnnxTensor.createTensor(env, direct.asFloatBuffer().put(f.values()).flip(), shape);
      }
      case TensorData.Doubles d -> {
        ByteBuffer direct = borrow(buffers, borrowed, (long) d.values().length * Double.BYTES);
        yield direct == null
            ? OnnxTensor.createTensor(env, DoubleBuffer.wrap(d.values()), shape)
            : OnnxTensor.createTensor(env, direct.asDoubleBuffer().put(d.values()).flip(), shape);
      }
      case TensorData.Longs l -> {
        ByteBuffer direct = borrow(buffers, borrowed, (long) l.values().length * Long.BYTES);
        yield direct == null
            ? OnnxTensor.createTensor(env, LongBuffer.wrap(l.values()), shape)
            : OnnxTensor.createTensor(env, direct.asLongBuffer().put(l.values()).flip(), shape);
      }
      case TensorData.Ints i -> {
        ByteBuffer direct = borrow(buffers, borrowed, (long) i.values().length * Integer.BYTES);
        yield direct == null
            ? OnnxTensor.createTensor(env, IntBuffer.wrap(i.values()), shape)
            : OnnxTensor.createTensor(env, direct.asIntBuffer().put(i.values()).flip(), shape);
      }
      case TensorData.Shorts s ->
          OnnxTensor.createTensor(
              env,
              ShortBuffer.wrap(s.values()),
              shape,
              switch (type) {
                case FP16 -> OnnxJavaType.FLOAT16;
                case BF16 -> OnnxJavaType.BFLOAT16;
                default -> OnnxJavaType.INT16;
              });
      case TensorData.Bytes b ->
          OnnxTensor.createTensor(
              env,
              ByteBuffer.wrap(b.values()),
              shape,
              type == DataType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.INT8);
      case TensorData.Bools b -> {
        boolean[] values = b.values();
        ByteBuffer bytes = ByteBuffer.allocateDirect(values.length).order(ByteOrder.nativeOrder());
        for (boolean value : values) {
          bytes.put(value ? (byte) 1 : (byte) 0);
        }
        bytes.flip();
        yield OnnxTensor.createTensor(env, bytes, shape, OnnxJavaType.BOOL);
      }
      case TensorData.ByteStrings s -> {
        byte[][] values = s.values();
        String[] strings = new String[values.length];
        for (int i = 0; i < values.length; i++) {
          strings[i] = new String(values[i], StandardCharsets.UTF_8);
        }
        yield OnnxTensor.createTensor(env, strings, shape);
      }
    };
  }

  /** A pooled direct buffer of {@code bytes}, recorded in {@code borrowed}; null when too large. */
  private static ByteBuffer borrow(InputBuffers buffers, List<ByteBuffer> borrowed, long bytes) {
    ByteBuffer buffer = buffers.take(bytes);
    if (buffer != null) {
      borrowed.add(buffer);
    }
    return buffer;
  }

  /** Converts one output value according to its slot in the signature. */
  Tensor fromOrt(String name, OnnxValue value, OnnxSignature.OutputSlot slot) throws OrtException {
    return switch (slot) {
      case OnnxSignature.TensorOutput tensorOutput -> {
        if (!(value instanceof OnnxTensor tensor)) {
          throw failure(name, "returned " + value.getInfo() + " (expected: a tensor)");
        }
        yield tensor(name, tensorOutput.spec().datatype(), tensor);
      }
      case OnnxSignature.ClassScoresOutput scores -> {
        if (!(value instanceof OnnxTensor tensor)) {
          throw failure(name, "returned " + value.getInfo() + " (expected: a scores tensor)");
        }
        yield classScores(name, scores, tensor);
      }
      case OnnxSignature.ClassMapOutput classMap -> {
        if (!(value instanceof OnnxSequence sequence)) {
          throw failure(name, "returned " + value.getInfo() + " (expected: a sequence of maps)");
        }
        yield classMap(name, classMap, sequence);
      }
    };
  }

  private Tensor tensor(String name, DataType type, OnnxTensor tensor) throws OrtException {
    TensorInfo info = tensor.getInfo();
    long[] shape = info.getShape();
    int count = Math.toIntExact(info.getNumElements());
    TensorData data =
        switch (type) {
          case FP32 -> new TensorData.Floats(count == 0 ? new float[0] : floats(tensor));
          case FP64 ->
              new TensorData.Doubles(
                  count == 0 ? new double[0] : array(tensor.getDoubleBuffer(), count));
          case INT64, UINT64 ->
              new TensorData.Longs(count == 0 ? new long[0] : array(tensor.getLongBuffer(), count));
          case INT32, UINT32 ->
              new TensorData.Ints(count == 0 ? new int[0] : array(tensor.getIntBuffer(), count));
          case INT16, UINT16, FP16, BF16 ->
              new TensorData.Shorts(
                  count == 0 ? new short[0] : array(tensor.getShortBuffer(), count));
          case INT8, UINT8 ->
              new TensorData.Bytes(count == 0 ? new byte[0] : array(tensor.getByteBuffer(), count));
          case BOOL -> {
            boolean[] values = new boolean[count];
            if (count > 0) {
              ByteBuffer bytes = tensor.getByteBuffer();
              for (int i = 0; i < count; i++) {
                values[i] = bytes.get(i) != 0;
              }
            }
            yield new TensorData.Bools(values);
          }
          case BYTES -> new TensorData.ByteStrings(strings(tensor.getValue(), count));
        };
    return new Tensor(name, type, shape, data);
  }

  private static float[] floats(OnnxTensor tensor) {
    FloatBuffer buffer = tensor.getFloatBuffer();
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == buffer.limit()) {
      return buffer.array(); // already a fresh copy made by ONNX Runtime
    }
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static double[] array(DoubleBuffer buffer, int count) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == count) {
      return buffer.array();
    }
    double[] values = new double[count];
    buffer.get(0, values);
    return values;
  }

  private static long[] array(LongBuffer buffer, int count) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == count) {
      return buffer.array();
    }
    long[] values = new long[count];
    buffer.get(0, values);
    return values;
  }

  private static int[] array(IntBuffer buffer, int count) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == count) {
      return buffer.array();
    }
    int[] values = new int[count];
    buffer.get(0, values);
    return values;
  }

  private static short[] array(ShortBuffer buffer, int count) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == count) {
      return buffer.array();
    }
    short[] values = new short[count];
    buffer.get(0, values);
    return values;
  }

  private static byte[] array(ByteBuffer buffer, int count) {
    if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.array().length == count) {
      return buffer.array();
    }
    byte[] values = new byte[count];
    buffer.get(0, values);
    return values;
  }

  /** String tensors come back as a String (scalar) or nested String arrays; flatten row-major. */
  private static byte[][] strings(Object value, int count) {
    byte[][] out = new byte[count][];
    int filled = flatten(value, out, 0);
    if (filled != count) {
      throw new IllegalStateException(
          "string tensor had " + filled + " elements (expected: " + count + ")");
    }
    return out;
  }

  private static int flatten(Object value, byte[][] out, int index) {
    if (value instanceof String s) {
      out[index] = s.getBytes(StandardCharsets.UTF_8);
      return index + 1;
    }
    int next = index;
    int length = Array.getLength(value);
    for (int i = 0; i < length; i++) {
      next = flatten(Array.get(value, i), out, next);
    }
    return next;
  }

  /**
   * A sequence of N maps (class key to score) as an FP32 {@code [N, C]} tensor, columns in the
   * class order of the signature, with the tensor parameter {@value #CLASSES_PARAMETER} holding the
   * class keys joined with commas.
   */
  private Tensor classMap(String name, OnnxSignature.ClassMapOutput slot, OnnxSequence sequence)
      throws OrtException {
    List<? extends OnnxValue> rows = sequence.getValue();
    try {
      List<String> classes = slot.spec().classes();
      Object[] keys = keysInColumnOrder(slot, classes, rows);
      int columns = keys.length;
      float[] values = new float[rows.size() * columns];
      for (int row = 0; row < rows.size(); row++) {
        if (!(rows.get(row) instanceof OnnxMap map)) {
          throw failure(
              name, "row " + row + " is " + rows.get(row).getInfo() + " (expected: a map)");
        }
        Map<? extends Object, ? extends Object> scores = map.getValue();
        if (scores.size() != columns) {
          throw failure(name, "row " + row + " has keys " + scores.keySet() + classesHint(keys));
        }
        for (int column = 0; column < columns; column++) {
          if (!(scores.get(keys[column]) instanceof Number score)) {
            throw failure(name, "row " + row + " has keys " + scores.keySet() + classesHint(keys));
          }
          values[row * columns + column] = score.floatValue();
        }
      }
      String classList =
          classes.isEmpty()
              ? String.join(",", Arrays.stream(keys).map(String::valueOf).toList())
              : String.join(",", classes);
      return new Tensor(
          name,
          DataType.FP32,
          new long[] {rows.size(), columns},
          new TensorData.Floats(values),
          Map.of(CLASSES_PARAMETER, classList));
    } finally {
      // The maps of a sequence are closed separately from the sequence (OnnxSequence.getValue).
      OnnxValue.close(rows);
    }
  }

  /**
   * The FLOAT scores a ZipMap would turn into maps, as the same FP32 {@code [N, C]} tensor the map
   * path gives, with the same {@value #CLASSES_PARAMETER} parameter.
   */
  private Tensor classScores(String name, OnnxSignature.ClassScoresOutput slot, OnnxTensor tensor) {
    List<String> classes = slot.spec().classes();
    long[] shape = tensor.getInfo().getShape();
    long count = tensor.getInfo().getNumElements();
    int columns = classes.size();
    // ZipMap takes [N, C] or, for one row, [C].
    boolean fits =
        (shape.length == 2 && shape[1] == columns) || (shape.length == 1 && shape[0] == columns);
    if (!fits) {
      throw failure(
          name,
          "scores tensor '"
              + slot.fetch()
              + "' has shape "
              + Arrays.toString(shape)
              + " (expected: [N, "
              + columns
              + "])");
    }
    float[] values = count == 0 ? new float[0] : floats(tensor);
    return new Tensor(
        name,
        DataType.FP32,
        new long[] {count / columns, columns},
        new TensorData.Floats(values),
        Map.of(CLASSES_PARAMETER, String.join(",", classes)));
  }

  /** The map keys of each column: from the signature, or sorted from the first row if unknown. */
  private static Object[] keysInColumnOrder(
      OnnxSignature.ClassMapOutput slot, List<String> classes, List<? extends OnnxValue> rows)
      throws OrtException {
    if (!classes.isEmpty()) {
      return slot.keys().toArray();
    }
    if (rows.isEmpty() || !(rows.get(0) instanceof OnnxMap first)) {
      return new Object[0];
    }
    List<Object> keys = new ArrayList<>(first.getValue().keySet());
    keys.sort(null); // Long or String keys: natural order, deterministic across rows and calls
    return keys.toArray();
  }

  private static String classesHint(Object[] keys) {
    return " (expected: " + Arrays.toString(keys) + ")";
  }

  private ModelExecutionException failure(String output, String problem) {
    return new ModelExecutionException(modelName, "output '" + output + "' " + problem, null);
  }
}
