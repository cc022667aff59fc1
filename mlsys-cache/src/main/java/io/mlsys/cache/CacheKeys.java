package io.mlsys.cache;

import io.mlsys.core.InferRequest;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cache key of a request to one model version: the SHA-256 of the model's name and version and
 * the canonical request (inputs by name with their datatype, shape and bytes; requested outputs by
 * name with their parameters; the request parameters listed in {@code key-parameters}), as 64
 * lower-case hex digits. Everything is length-prefixed, so no two different requests share one byte
 * stream. Not in the key: the request id, the order of the inputs and outputs, tensor parameters
 * and the output parameter {@code binary_data} (how the answer is encoded, not what it is), and
 * request parameters not listed.
 */
final class CacheKeys {
  /** Changes when the canonical form changes, so old keys are never read as new ones. */
  private static final byte[] FORMAT = "mlsys-prediction-cache/1".getBytes(StandardCharsets.UTF_8);

  private static final Set<String> ENCODING_ONLY = Set.of("binary_data");
  private static final HexFormat HEX = HexFormat.of();

  private final MessageDigest prefix;
  private final List<String> keyParameters;

  /**
   * @param fingerprint what the loaded model says about itself (its labels and properties), so that
   *     a version number reused for another file (whose metadata differ) does not share keys
   */
  CacheKeys(String modelName, String modelVersion, String fingerprint, List<String> keyParameters) {
    this.keyParameters = keyParameters.stream().distinct().sorted().toList();
    this.prefix = sha256();
    prefix.update(FORMAT);
    string(prefix, modelName);
    string(prefix, modelVersion == null ? "" : modelVersion);
    string(prefix, fingerprint);
  }

  /** The key of {@code request}. */
  String of(InferRequest request) {
    MessageDigest digest;
    try {
      digest = (MessageDigest) prefix.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 digests of this JDK cannot be cloned", e);
    }
    List<Tensor> inputs = request.inputs();
    if (inputs.size() > 1) {
      inputs = new ArrayList<>(inputs);
      inputs.sort(Comparator.comparing(Tensor::name));
    }
    integer(digest, inputs.size());
    for (Tensor input : inputs) {
      tensor(digest, input);
    }
    List<RequestedOutput> outputs = request.outputs();
    if (outputs.size() > 1) {
      outputs = new ArrayList<>(outputs);
      outputs.sort(Comparator.comparing(RequestedOutput::name));
    }
    integer(digest, outputs.size());
    for (RequestedOutput output : outputs) {
      string(digest, output.name());
      Map<String, Object> answerParameters = new TreeMap<>(output.parameters());
      answerParameters.keySet().removeAll(ENCODING_ONLY);
      parameters(digest, answerParameters);
    }
    Map<String, Object> parameters = new TreeMap<>();
    for (String name : keyParameters) {
      Object value = request.parameters().get(name);
      if (value != null) {
        parameters.put(name, value);
      }
    }
    parameters(digest, parameters);
    return HEX.formatHex(digest.digest());
  }

  private static void tensor(MessageDigest digest, Tensor tensor) {
    string(digest, tensor.name());
    string(digest, tensor.datatype().wireName());
    long[] shape = tensor.shape();
    integer(digest, shape.length);
    ByteBuffer dims = ByteBuffer.allocate(shape.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    dims.asLongBuffer().put(shape);
    digest.update(dims);
    data(digest, tensor.data());
  }

  private static void data(MessageDigest digest, TensorData data) {
    int n = data.size();
    switch (data) {
      case TensorData.Bools d -> {
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) (d.values()[i] ? 1 : 0);
        }
        digest.update(bytes);
      }
      case TensorData.Bytes d -> digest.update(d.values());
      case TensorData.Shorts d -> {
        ByteBuffer buffer = buffer(n * Short.BYTES);
        buffer.asShortBuffer().put(d.values());
        digest.update(buffer);
      }
      case TensorData.Ints d -> {
        ByteBuffer buffer = buffer(n * Integer.BYTES);
        buffer.asIntBuffer().put(d.values());
        digest.update(buffer);
      }
      case TensorData.Longs d -> {
        ByteBuffer buffer = buffer(n * Long.BYTES);
        buffer.asLongBuffer().put(d.values());
        digest.update(buffer);
      }
      case TensorData.Floats d -> {
        ByteBuffer buffer = buffer(n * Float.BYTES);
        buffer.asFloatBuffer().put(d.values());
        digest.update(buffer);
      }
      case TensorData.Doubles d -> {
        ByteBuffer buffer = buffer(n * Double.BYTES);
        buffer.asDoubleBuffer().put(d.values());
        digest.update(buffer);
      }
      case TensorData.ByteStrings d -> {
        for (byte[] element : d.values()) {
          integer(digest, element.length);
          digest.update(element);
        }
      }
    }
  }

  private static ByteBuffer buffer(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Parameters in key order, each value with its type, so "1" and 1 differ. */
  private static void parameters(MessageDigest digest, Map<String, Object> parameters) {
    integer(digest, parameters.size());
    parameters.forEach(
        (name, value) -> {
          string(digest, name);
          char type =
              switch (value) {
                case String ignored -> 's';
                case Boolean ignored -> 'b';
                case Long ignored -> 'l';
                case Double ignored -> 'd';
                default -> 'o';
              };
          digest.update((byte) type);
          string(digest, String.valueOf(value));
        });
  }

  private static void string(MessageDigest digest, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    integer(digest, bytes.length);
    digest.update(bytes);
  }

  private static void integer(MessageDigest digest, int value) {
    digest.update((byte) (value >>> 24));
    digest.update((byte) (value >>> 16));
    digest.update((byte) (value >>> 8));
    digest.update((byte) value);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
