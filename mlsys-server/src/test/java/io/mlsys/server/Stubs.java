package io.mlsys.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlsys.core.DataType;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Signatures for stub models and a JSON reader for answers. */
final class Stubs {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Stubs() {}

  /** An iris-like signature: FP32 [-1, 4] in, INT64 label and FP32 [-1, 3] probabilities out. */
  static ModelMetadata metadata(String name, String version) {
    return new ModelMetadata(
        name,
        version,
        "stub",
        List.of(new TensorSpec("float_input", DataType.FP32, List.of(-1L, 4L))),
        List.of(
            new TensorSpec("output_label", DataType.INT64, List.of(-1L)),
            new TensorSpec("output_probability", DataType.FP32, List.of(-1L, 3L))),
        Map.of("0", "setosa", "1", "versicolor", "2", "virginica"),
        Map.of());
  }

  static JsonNode json(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
