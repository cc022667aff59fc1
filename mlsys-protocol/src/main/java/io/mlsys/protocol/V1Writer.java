package io.mlsys.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.util.Map;

/** Writes a KServe V1 {@code {"predictions": [...]}} body from an OIP response. Stateless. */
final class V1Writer {
  private V1Writer() {}

  static void write(JsonGenerator g, InferResponse response, ModelMetadata metadata)
      throws IOException {
    Tensor output = primaryOutput(response, metadata);
    Map<String, String> labels = isLabelType(output.datatype()) ? metadata.labels() : Map.of();
    long[] shape = output.shape();
    int rows = shape.length == 0 ? 1 : (int) shape[0];
    int perRow = rows == 0 ? 0 : output.data().size() / rows;
    boolean scalars = shape.length <= 1 || (shape.length == 2 && shape[1] == 1);
    g.writeStartObject();
    g.writeArrayFieldStart("predictions");
    for (int row = 0; row < rows; row++) {
      if (scalars) {
        writeValue(g, output, row, labels);
      } else {
        writeNested(g, output, shape, 1, row * perRow, labels);
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /** The first output of the model's signature present in the response, else its first output. */
  private static Tensor primaryOutput(InferResponse response, ModelMetadata metadata) {
    for (TensorSpec spec : metadata.outputs()) {
      var output = response.output(spec.name());
      if (output.isPresent()) {
        return output.get();
      }
    }
    if (response.outputs().isEmpty()) {
      throw new ModelExecutionException(
          response.modelName(), "returned no outputs (expected: at least one to predict)", null);
    }
    return response.outputs().get(0);
  }

  private static boolean isLabelType(DataType datatype) {
    return switch (datatype) {
      case UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, BYTES -> true;
      case BOOL, FP16, FP32, FP64, BF16 -> false;
    };
  }

  /** Writes dims[from..] of the tensor starting at element {@code offset} as nested arrays. */
  private static int writeNested(
      JsonGenerator g,
      Tensor output,
      long[] shape,
      int from,
      int offset,
      Map<String, String> labels)
      throws IOException {
    g.writeStartArray();
    int next = offset;
    for (long i = 0; i < shape[from]; i++) {
      if (from == shape.length - 1) {
        writeValue(g, output, next++, labels);
      } else {
        next = writeNested(g, output, shape, from + 1, next, labels);
      }
    }
    g.writeEndArray();
    return next;
  }

  private static void writeValue(JsonGenerator g, Tensor output, int i, Map<String, String> labels)
      throws IOException {
    TensorData data = output.data();
    if (!labels.isEmpty()) {
      String key = OipWriter.keyText(output.datatype(), data, i);
      String label = key == null ? null : labels.get(key);
      if (label != null) {
        g.writeString(label);
        return;
      }
    }
    OipWriter.writeElement(g, output.datatype(), data, i);
  }
}
