package io.mlsys.training;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Serves an exported model the way mlsys does: {@link OnnxModel} over ONNX Runtime. */
final class Served {
  /** What the classifier returned for a batch of rows. */
  record Result(long[] labels, float[][] probabilities) {}

  private static final CallContext CONTEXT =
      CallContext.of(ManualClock.startingAt("2025-01-01T00:00:00Z"));

  private Served() {}

  /** Loads {@code model} from a file written into {@code dir}; the caller closes it. */
  static OnnxModel load(DemoModel model, Path dir) throws IOException {
    Path file = Files.write(dir.resolve("model.onnx"), model.onnxBytes());
    return OnnxModel.load(file, OnnxModelOptions.defaults("iris-tribuo", "1"));
  }

  static Result classify(Path modelFile, float[][] rows) {
    try (OnnxModel model =
        OnnxModel.load(modelFile, OnnxModelOptions.defaults("iris-tribuo", "1"))) {
      return classify(model, rows);
    }
  }

  static Result classify(OnnxModel model, float[][] rows) {
    int columns = rows[0].length;
    float[] flat = new float[rows.length * columns];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * columns, columns);
    }
    InferResponse response =
        model.infer(
            InferRequest.of(
                Tensor.ofFloats(IrisDemo.INPUT_NAME, new long[] {rows.length, columns}, flat)),
            CONTEXT);
    long[] labels = response.output(IrisDemo.LABEL_OUTPUT).orElseThrow().longs();
    Tensor probabilities = response.output(IrisDemo.PROBABILITIES_OUTPUT).orElseThrow();
    int classes = (int) probabilities.shape()[1];
    float[][] perRow = new float[rows.length][classes];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(probabilities.floats(), i * classes, perRow[i], 0, classes);
    }
    return new Result(labels, perRow);
  }
}
