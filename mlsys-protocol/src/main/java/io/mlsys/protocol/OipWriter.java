package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ReducedFloats;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes Open Inference Protocol V2 JSON with a streaming generator. Stateless. */
final class OipWriter {
  private OipWriter() {}

  /**
   * Writes a response.
   *
   * @param binarySizes per output, the byte size of its binary data when it is sent as binary
   *     (binary tensor data extension), or -1 to write its data as JSON; null for all JSON
   */
  static void writeResponse(JsonGenerator g, InferResponse response, long[] binarySizes)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("model_name", response.modelName());
    if (response.modelVersion() != null) {
      g.writeStringField("model_version", response.modelVersion());
    }
    if (response.id() != null) {
      g.writeStringField("id", response.id());
    }
    if (!response.parameters().isEmpty()) {
      g.writeFieldName("parameters");
      Json.writeParameters(g, response.parameters());
    }
    g.writeArrayFieldStart("outputs");
    List<Tensor> outputs = response.outputs();
    for (int i = 0; i < outputs.size(); i++) {
      writeTensor(g, outputs.get(i), binarySizes == null ? -1 : binarySizes[i]);
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** Writes a request; {@code binarySizes} as for {@link #writeResponse}, per input. */
  static void writeRequest(JsonGenerator g, InferRequest request, long[] binarySizes)
      throws IOException {
    g.writeStartObject();
    if (request.id() != null) {
      g.writeStringField("id", request.id());
    }
    if (!request.parameters().isEmpty()) {
      g.writeFieldName("parameters");
      Json.writeParameters(g, request.parameters());
    }
    g.writeArrayFieldStart("inputs");
    List<Tensor> inputs = request.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      writeTensor(g, inputs.get(i), binarySizes == null ? -1 : binarySizes[i]);
    }
    g.writeEndArray();
    if (!request.outputs().isEmpty()) {
      g.writeArrayFieldStart("outputs");
      for (RequestedOutput output : request.outputs()) {
        g.writeStartObject();
        g.writeStringField("name", output.name());
        if (!output.parameters().isEmpty()) {
          g.writeFieldName("parameters");
          Json.writeParameters(g, output.parameters());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  static void writeMetadata(JsonGenerator g, ModelMetadata metadata, List<String> versions)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", metadata.name());
    if (versions != null && !versions.isEmpty()) {
      g.writeArrayFieldStart("versions");
      for (String version : versions) {
        g.writeString(version);
      }
      g.writeEndArray();
    }
    g.writeStringField("platform", metadata.platform());
    writeSpecs(g, "inputs", metadata.inputs());
    writeSpecs(g, "outputs", metadata.outputs());
    if (!metadata.labels().isEmpty()) {
      g.writeFieldName("labels");
      Json.writeSortedStrings(g, metadata.labels());
    }
    if (!metadata.properties().isEmpty()) {
      g.writeFieldName("properties");
      Json.writeSortedStrings(g, metadata.properties());
    }
    g.writeEndObject();
  }

  static void writeError(JsonGenerator g, String message) throws IOException {
    g.writeStartObject();
    g.writeStringField("error", message == null ? "" : message);
    g.writeEndObject();
  }

  private static void writeSpecs(JsonGenerator g, String field, List<TensorSpec> specs)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (TensorSpec spec : specs) {
      g.writeStartObject();
      g.writeStringField("name", spec.name());
      g.writeStringField("datatype", spec.datatype().wireName());
      g.writeArrayFieldStart("shape");
      for (long dim : spec.shape()) {
        g.writeNumber(dim);
      }
      g.writeEndArray();
      if (!spec.classes().isEmpty()) {
        g.writeArrayFieldStart("classes");
        for (String label : spec.classes()) {
          g.writeString(label);
        }
        g.writeEndArray();
      }
      if (!spec.parameters().isEmpty()) {
        g.writeFieldName("parameters");
        Json.writeParameters(g, spec.parameters());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /**
   * Writes one tensor object. BYTES elements that are all valid UTF-8 are written as strings;
   * otherwise every element of the tensor is written as base64 and the tensor gets the parameter
   * {@code "content_encoding": "base64"}, which {@link OipReader} understands. With {@code
   * binarySize >= 0} the data is left out and the parameter {@code binary_data_size} says how many
   * bytes of it follow the JSON. The wire-only parameters are never taken from the tensor.
   */
  static void writeTensor(JsonGenerator g, Tensor tensor, long binarySize) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", tensor.name());
    g.writeStringField("datatype", tensor.datatype().wireName());
    g.writeArrayFieldStart("shape");
    for (long dim : tensor.shape()) {
      g.writeNumber(dim);
    }
    g.writeEndArray();
    Map<String, Object> parameters = tensor.parameters();
    if (!parameters.isEmpty() && parameters.containsKey(OipReader.BINARY_DATA_SIZE)) {
      parameters = new LinkedHashMap<>(parameters);
      parameters.remove(OipReader.BINARY_DATA_SIZE);
    }
    boolean base64 = false;
    if (tensor.data() instanceof TensorData.ByteStrings strings) {
      base64 = binarySize < 0 && !Utf8.allValid(strings.values());
      if (base64 || parameters.containsKey(OipReader.CONTENT_ENCODING)) {
        parameters = new LinkedHashMap<>(parameters);
        parameters.remove(OipReader.CONTENT_ENCODING);
        if (base64) {
          parameters.put(OipReader.CONTENT_ENCODING, OipReader.BASE64);
        }
      }
    }
    if (binarySize >= 0) {
      g.writeFieldName("parameters");
      g.writeStartObject();
      for (Map.Entry<String, Object> entry : parameters.entrySet()) {
        g.writeFieldName(entry.getKey());
        Json.writeScalar(g, entry.getValue());
      }
      g.writeNumberField(OipReader.BINARY_DATA_SIZE, binarySize);
      g.writeEndObject();
      g.writeEndObject();
      return;
    }
    if (!parameters.isEmpty()) {
      g.writeFieldName("parameters");
      Json.writeParameters(g, parameters);
    }
    g.writeFieldName("data");
    g.writeStartArray(tensor.data(), tensor.data().size());
    writeElements(g, tensor.datatype(), tensor.data(), base64);
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void writeElements(
      JsonGenerator g, DataType datatype, TensorData data, boolean base64) throws IOException {
    switch (data) {
      case TensorData.Bools b -> {
        for (boolean value : b.values()) {
          g.writeBoolean(value);
        }
      }
      case TensorData.Bytes b -> {
        boolean unsigned = datatype == DataType.UINT8;
        for (byte value : b.values()) {
          g.writeNumber(unsigned ? value & 0xFF : value);
        }
      }
      case TensorData.Shorts s -> writeShorts(g, datatype, s.values());
      case TensorData.Ints i -> {
        boolean unsigned = datatype == DataType.UINT32;
        for (int value : i.values()) {
          if (unsigned) {
            g.writeNumber(Integer.toUnsignedLong(value));
          } else {
            g.writeNumber(value);
          }
        }
      }
      case TensorData.Longs l -> {
        boolean unsigned = datatype == DataType.UINT64;
        for (long value : l.values()) {
          writeLong(g, value, unsigned);
        }
      }
      case TensorData.Floats f -> writeFloats(g, f.values());
      case TensorData.Doubles d -> writeDoubles(g, d.values());
      case TensorData.ByteStrings s -> {
        for (byte[] value : s.values()) {
          if (base64) {
            g.writeBinary(value);
          } else {
            g.writeUTF8String(value, 0, value.length);
          }
        }
      }
    }
  }

  /** Elements formatted into one piece of raw JSON before the generator copies it. */
  private static final int RAW_CHUNK = 1024;

  /**
   * Writes floats as {@link JsonGenerator#writeNumber(float)} would ({@link Float#toString}, a
   * non-finite value as a string), {@value #RAW_CHUNK} at a time through a {@link StringBuilder}:
   * appending a float to it formats straight into its buffer, where the generator makes a String
   * per number and copies it twice. About half the time on large outputs (an OCR recognizer's
   * 265,000 scores), which the prediction log writes again for every call.
   */
  private static void writeFloats(JsonGenerator g, float[] values) throws IOException {
    StringBuilder chunk = new StringBuilder(Math.min(values.length, RAW_CHUNK) * 16);
    for (int from = 0; from < values.length; from += RAW_CHUNK) {
      int to = Math.min(values.length, from + RAW_CHUNK);
      chunk.setLength(0);
      for (int i = from; i < to; i++) {
        if (i > from) {
          chunk.append(',');
        }
        float value = values[i];
        if (Float.isFinite(value)) {
          chunk.append(value);
        } else {
          chunk.append('"').append(value).append('"');
        }
      }
      // One raw value to the generator: it puts the comma between chunks.
      g.writeRawValue(chunk.toString());
    }
  }

  /** {@link #writeFloats} for doubles. */
  private static void writeDoubles(JsonGenerator g, double[] values) throws IOException {
    StringBuilder chunk = new StringBuilder(Math.min(values.length, RAW_CHUNK) * 24);
    for (int from = 0; from < values.length; from += RAW_CHUNK) {
      int to = Math.min(values.length, from + RAW_CHUNK);
      chunk.setLength(0);
      for (int i = from; i < to; i++) {
        if (i > from) {
          chunk.append(',');
        }
        double value = values[i];
        if (Double.isFinite(value)) {
          chunk.append(value);
        } else {
          chunk.append('"').append(value).append('"');
        }
      }
      g.writeRawValue(chunk.toString());
    }
  }

  private static void writeShorts(JsonGenerator g, DataType datatype, short[] values)
      throws IOException {
    switch (datatype) {
      case FP16 -> {
        for (short value : values) {
          g.writeNumber(ReducedFloats.fp16ToFloat(value));
        }
      }
      case BF16 -> {
        for (short value : values) {
          g.writeNumber(ReducedFloats.bf16ToFloat(value));
        }
      }
      case UINT16 -> {
        for (short value : values) {
          g.writeNumber(value & 0xFFFF);
        }
      }
      default -> {
        for (short value : values) {
          g.writeNumber(value);
        }
      }
    }
  }

  static void writeLong(JsonGenerator g, long value, boolean unsigned) throws IOException {
    if (unsigned && value < 0) {
      g.writeNumber(Long.toUnsignedString(value));
    } else {
      g.writeNumber(value);
    }
  }

  /** One element as JSON, for writers that walk a tensor row by row. */
  static void writeElement(JsonGenerator g, DataType datatype, TensorData data, int i)
      throws IOException {
    switch (data) {
      case TensorData.Bools b -> g.writeBoolean(b.values()[i]);
      case TensorData.Bytes b ->
          g.writeNumber(datatype == DataType.UINT8 ? b.values()[i] & 0xFF : b.values()[i]);
      case TensorData.Shorts s -> {
        short value = s.values()[i];
        switch (datatype) {
          case FP16 -> g.writeNumber(ReducedFloats.fp16ToFloat(value));
          case BF16 -> g.writeNumber(ReducedFloats.bf16ToFloat(value));
          case UINT16 -> g.writeNumber(value & 0xFFFF);
          default -> g.writeNumber(value);
        }
      }
      case TensorData.Ints n -> {
        int value = n.values()[i];
        if (datatype == DataType.UINT32) {
          g.writeNumber(Integer.toUnsignedLong(value));
        } else {
          g.writeNumber(value);
        }
      }
      case TensorData.Longs l -> writeLong(g, l.values()[i], datatype == DataType.UINT64);
      case TensorData.Floats f -> g.writeNumber(f.values()[i]);
      case TensorData.Doubles d -> g.writeNumber(d.values()[i]);
      case TensorData.ByteStrings s -> {
        byte[] value = s.values()[i];
        if (Utf8.isValid(value)) {
          g.writeUTF8String(value, 0, value.length);
        } else {
          g.writeBinary(value);
        }
      }
    }
  }

  /** An element as label-lookup text: decimal for integers, the string for BYTES; else null. */
  static String keyText(DataType datatype, TensorData data, int i) {
    return switch (data) {
      case TensorData.Bytes b ->
          Integer.toString(datatype == DataType.UINT8 ? b.values()[i] & 0xFF : b.values()[i]);
      case TensorData.Shorts s ->
          switch (datatype) {
            case UINT16 -> Integer.toString(s.values()[i] & 0xFFFF);
            case INT16 -> Short.toString(s.values()[i]);
            default -> null;
          };
      case TensorData.Ints n ->
          datatype == DataType.UINT32
              ? Integer.toUnsignedString(n.values()[i])
              : Integer.toString(n.values()[i]);
      case TensorData.Longs l ->
          datatype == DataType.UINT64
              ? Long.toUnsignedString(l.values()[i])
              : Long.toString(l.values()[i]);
      case TensorData.ByteStrings s ->
          Utf8.isValid(s.values()[i]) ? new String(s.values()[i], StandardCharsets.UTF_8) : null;
      case TensorData.Bools b -> null;
      case TensorData.Floats f -> null;
      case TensorData.Doubles d -> null;
    };
  }
}
