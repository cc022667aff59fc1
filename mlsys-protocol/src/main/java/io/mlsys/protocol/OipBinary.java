package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binary tensor data extension of the Open Inference Protocol REST API (as Triton and KServe
 * define it): a body is a JSON header, whose byte length the HTTP header {@value
 * #INFERENCE_HEADER_CONTENT_LENGTH} gives, followed by the raw data of every tensor whose JSON has
 * the parameter {@code "binary_data_size": N} instead of {@code data}, in the order of the tensors
 * in the JSON. Raw data is little-endian and row-major; BOOL takes one byte (0 or 1), FP16 and BF16
 * their 16-bit patterns, and each BYTES element a 4-byte little-endian length and its bytes. The
 * JSON header is read and written by the same code as {@link OipJson}, with the same checks.
 *
 * <p>A response has binary outputs when the request asks: the request parameter {@code
 * "binary_data_output": true} makes every output binary, and a requested output's parameter {@code
 * "binary_data"} decides for that output, overriding the request parameter. When no output is
 * binary the response is plain JSON.
 *
 * <p>Errors are {@link InvalidInputException}s naming the field: {@value
 * #INFERENCE_HEADER_CONTENT_LENGTH} when the JSON length is negative or beyond the body, {@code
 * inputs[i].parameters.binary_data_size} when it does not fit the shape, the datatype or the bytes
 * left, {@code inputs[i].data[j]} for a bad element (a BOOL byte other than 0 and 1, a BYTES length
 * running past the tensor's data), and {@code body} when bytes are left over. Thread-safe: build
 * one per server and share it.
 */
public final class OipBinary {
  /** The HTTP header that gives the byte length of the JSON at the start of the body. */
  public static final String INFERENCE_HEADER_CONTENT_LENGTH = "Inference-Header-Content-Length";

  /** The content type of a response that has binary outputs. */
  public static final String CONTENT_TYPE = "application/octet-stream";

  /** Request parameter: return every output as binary data unless the output says otherwise. */
  public static final String BINARY_DATA_OUTPUT = "binary_data_output";

  /** Requested-output parameter: return this output as binary data, or as JSON when false. */
  public static final String BINARY_DATA = "binary_data";

  private final JsonFactory factory;

  private OipBinary(JsonFactory factory) {
    this.factory = factory;
  }

  public static OipBinary create() {
    return new OipBinary(Json.newFactory());
  }

  /**
   * A body encoded for the wire.
   *
   * @param body the bytes to send
   * @param jsonLength the byte length of the JSON at the start of {@code body}, to send as the
   *     {@value #INFERENCE_HEADER_CONTENT_LENGTH} header; -1 when the body is plain JSON (send
   *     neither that header nor {@value #CONTENT_TYPE}, but {@code application/json})
   */
  public record Encoded(byte[] body, int jsonLength) {
    /** Whether the body carries binary tensor data after its JSON header. */
    public boolean isBinary() {
      return jsonLength >= 0;
    }
  }

  /**
   * Parses the value of the {@value #INFERENCE_HEADER_CONTENT_LENGTH} header.
   *
   * @param value the header value, or null when the request has none
   * @throws InvalidInputException naming the header when it is missing, not an integer or negative
   */
  public static int parseJsonLength(String value) {
    if (value == null) {
      throw new InvalidInputException(
          INFERENCE_HEADER_CONTENT_LENGTH,
          "missing (expected: the byte length of the JSON header)");
    }
    String digits = value.strip();
    long length = digits.isEmpty() || digits.length() > 10 ? -1 : 0;
    for (int i = 0; i < digits.length() && length >= 0; i++) {
      char c = digits.charAt(i);
      length = c >= '0' && c <= '9' ? length * 10 + (c - '0') : -1;
    }
    if (length < 0 || length > Integer.MAX_VALUE) {
      throw new InvalidInputException(
          INFERENCE_HEADER_CONTENT_LENGTH,
          "'"
              + Json.sanitize(value, Json.MAX_QUOTED_CHARS)
              + "' (expected: the byte length of the JSON header, an integer from 0 to "
              + Integer.MAX_VALUE
              + ")");
    }
    return (int) length;
  }

  /**
   * Parses a request body: JSON then the binary data of the inputs that have {@code
   * binary_data_size}. Inputs may mix JSON {@code data} and binary data. The parameter {@code
   * binary_data_size} is not kept in the tensors.
   *
   * @param jsonLength the {@value #INFERENCE_HEADER_CONTENT_LENGTH} value
   * @throws InvalidInputException naming the offending field
   */
  public InferRequest readInferRequest(byte[] body, int jsonLength) {
    return OipReader.readBinaryRequest(factory, body, jsonLength);
  }

  /**
   * Whether the response to {@code request} has any binary output, read from its parameters
   * (request and per-output). With no outputs named, every output follows the request parameter.
   *
   * @throws InvalidInputException naming the parameter when it is not true or false
   */
  public boolean wantsBinary(InferRequest request) {
    boolean all = allOutputsBinary(request);
    if (request.outputs().isEmpty()) {
      return all;
    }
    List<RequestedOutput> outputs = request.outputs();
    for (int i = 0; i < outputs.size(); i++) {
      if (outputBinary(outputs.get(i), i, all)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The response encoded as JSON followed by the data of the outputs {@code request} wants as
   * binary (see the class comment), or as plain JSON ({@link Encoded#jsonLength()} -1) when it
   * wants none.
   *
   * @throws InvalidInputException naming the parameter when a binary flag is not true or false
   */
  public Encoded writeInferResponse(InferResponse response, InferRequest request) {
    boolean all = allOutputsBinary(request);
    List<RequestedOutput> asked = request.outputs();
    List<Tensor> outputs = response.outputs();
    long[] sizes = new long[outputs.size()];
    boolean any = false;
    for (int i = 0; i < outputs.size(); i++) {
      Tensor output = outputs.get(i);
      boolean binary = all;
      for (int j = 0; j < asked.size(); j++) {
        if (asked.get(j).name().equals(output.name())) {
          binary = outputBinary(asked.get(j), j, all);
          break;
        }
      }
      sizes[i] = binary ? RawTensors.byteSize(output.datatype(), output.data()) : -1;
      any |= binary;
    }
    if (!any) {
      return new Encoded(Json.write(factory, g -> OipWriter.writeResponse(g, response, null)), -1);
    }
    byte[] json = Json.write(factory, g -> OipWriter.writeResponse(g, response, sizes));
    return withBinary(json, outputs, sizes);
  }

  /**
   * Encodes a request for a server that supports the extension, with the data of the inputs named
   * in {@code binaryInputs} as binary and the others as JSON; plain JSON ({@link
   * Encoded#jsonLength()} -1) when {@code binaryInputs} is empty.
   *
   * @throws IllegalArgumentException when {@code binaryInputs} names a tensor that is not an input
   */
  public Encoded writeInferRequest(InferRequest request, Set<String> binaryInputs) {
    List<Tensor> inputs = request.inputs();
    Set<String> unknown = new HashSet<>(binaryInputs);
    long[] sizes = new long[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      Tensor input = inputs.get(i);
      unknown.remove(input.name());
      sizes[i] =
          binaryInputs.contains(input.name())
              ? RawTensors.byteSize(input.datatype(), input.data())
              : -1;
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "binaryInputs: " + unknown + " (expected: names of the request's inputs)");
    }
    if (binaryInputs.isEmpty()) {
      return new Encoded(Json.write(factory, g -> OipWriter.writeRequest(g, request, null)), -1);
    }
    byte[] json = Json.write(factory, g -> OipWriter.writeRequest(g, request, sizes));
    return withBinary(json, inputs, sizes);
  }

  /**
   * Parses a response body of the extension, for clients: JSON then the binary data of the outputs
   * that have {@code binary_data_size}.
   *
   * @param jsonLength the response's {@value #INFERENCE_HEADER_CONTENT_LENGTH} value
   * @throws InvalidInputException naming the offending field
   */
  public InferResponse readInferResponse(byte[] body, int jsonLength) {
    return OipReader.readBinaryResponse(factory, body, jsonLength);
  }

  private static Encoded withBinary(byte[] json, List<Tensor> tensors, long[] sizes) {
    long total = json.length;
    for (long size : sizes) {
      total += Math.max(0, size);
    }
    if (total > Integer.MAX_VALUE - 8) {
      // A Java array cannot hold it; this is the server's limit, not the client's mistake.
      throw new IllegalStateException(
          "binary body of " + total + " bytes (expected: at most " + (Integer.MAX_VALUE - 8) + ")");
    }
    byte[] body = new byte[(int) total];
    System.arraycopy(json, 0, body, 0, json.length);
    ByteBuffer out = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN).position(json.length);
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] >= 0) {
        RawTensors.write(out, tensors.get(i).data());
      }
    }
    return new Encoded(body, json.length);
  }

  private static boolean allOutputsBinary(InferRequest request) {
    return flag(request.parameters(), BINARY_DATA_OUTPUT, "parameters", false);
  }

  private static boolean outputBinary(RequestedOutput output, int index, boolean fallback) {
    return flag(output.parameters(), BINARY_DATA, "outputs[" + index + "].parameters", fallback);
  }

  private static boolean flag(
      Map<String, Object> parameters, String name, String path, boolean fallback) {
    Object value = parameters.get(name);
    return switch (value) {
      case null -> fallback;
      case Boolean b -> b;
      case String s when s.equalsIgnoreCase("true") -> true;
      case String s when s.equalsIgnoreCase("false") -> false;
      default ->
          throw new InvalidInputException(
              path + "." + name,
              (value instanceof String s ? "'" + Json.key(s) + "'" : value)
                  + " (expected: true or false)");
    };
  }
}
