package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import java.util.List;

/**
 * The Open Inference Protocol (KServe V2) REST JSON codec: inference requests and responses, model
 * metadata and errors. Parses with a streaming parser straight into primitive arrays and writes
 * with a streaming generator. Thread-safe: build one per server and share it.
 *
 * <p>Reading is strict: malformed JSON, unknown keys, duplicate keys, wrong JSON types, values out
 * of a datatype's range, NaN and Infinity, and data that does not fit the shape each give an {@link
 * InvalidInputException} whose field is the path of the offending value, such as {@code
 * inputs[1].data[7]}. Data may be flat (row-major) or nested exactly as the shape.
 *
 * <p>Writing: FP16 and BF16 are written as their float values, UINT64 as unsigned decimals, and
 * non-finite floats (which JSON cannot hold) as the strings {@code "NaN"}, {@code "Infinity"} and
 * {@code "-Infinity"}. BYTES tensors are written as UTF-8 strings; a tensor with any element that
 * is not valid UTF-8 is written with every element base64-encoded and the tensor parameter {@code
 * "content_encoding": "base64"}. Reading accepts that parameter too and decodes the elements (the
 * parameter is not kept in the tensor).
 *
 * <p>Tensors whose data follows the JSON as raw bytes (the parameter {@code binary_data_size}) are
 * read and written by {@link OipBinary}; this codec rejects them with a message that says so.
 */
public final class OipJson {
  private final JsonFactory factory;
  private final ObjectMapper mapper;

  public OipJson() {
    this.factory = Json.newFactory();
    this.mapper = JsonMapper.builder().build();
  }

  public static OipJson create() {
    return new OipJson();
  }

  /**
   * Parses an infer request body.
   *
   * @throws InvalidInputException naming the offending field when the body is not a valid request
   */
  public InferRequest readInferRequest(byte[] body) {
    return OipReader.readRequest(factory, body);
  }

  /**
   * Parses an infer response body, for clients of a remote OIP server.
   *
   * @throws InvalidInputException naming the offending field when the body is not a valid response
   */
  public InferResponse readInferResponse(byte[] body) {
    return OipReader.readResponse(factory, body);
  }

  /** Writes an infer request, for clients of a remote OIP server. */
  public byte[] writeInferRequest(InferRequest request) {
    return Json.write(factory, g -> OipWriter.writeRequest(g, request, null));
  }

  public byte[] writeInferResponse(InferResponse response) {
    return Json.write(factory, g -> OipWriter.writeResponse(g, response, null));
  }

  /**
   * Writes tensors as the JSON array an infer request's {@code inputs} (or a response's {@code
   * outputs}) holds, each tensor exactly as the REST API writes it; for records that keep tensors,
   * such as prediction log events.
   */
  public byte[] writeTensors(List<Tensor> tensors) {
    return Json.write(
        factory,
        g -> {
          g.writeStartArray();
          for (Tensor tensor : tensors) {
            OipWriter.writeTensor(g, tensor, -1);
          }
          g.writeEndArray();
        });
  }

  /**
   * Writes the model metadata response: name, versions (omitted when empty), platform, inputs and
   * outputs, each tensor with {@code classes} and {@code parameters} when it has them, and
   * top-level {@code labels} and {@code properties} when not empty (sorted by key).
   */
  public byte[] writeModelMetadata(ModelMetadata metadata, List<String> versions) {
    return Json.write(factory, g -> OipWriter.writeMetadata(g, metadata, versions));
  }

  /** Writes {@code {"error": message}}. */
  public byte[] writeError(String message) {
    return Json.write(factory, g -> OipWriter.writeError(g, message));
  }

  /**
   * Writes any value that Jackson data binding can serialize (maps, lists, records), for the
   * smaller JSON documents of the API such as server metadata and the model index.
   *
   * @throws IllegalArgumentException when the value cannot be serialized
   */
  public byte[] writeJson(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot write " + (value == null ? "null" : value.getClass().getName()) + " as JSON", e);
    }
  }
}
