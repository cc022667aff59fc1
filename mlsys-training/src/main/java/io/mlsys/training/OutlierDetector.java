package io.mlsys.training;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.util.List;
import java.util.Map;

/**
 * A one-class outlier detector with the ONNX signature of scikit-learn's OneClassSVM as the catalog
 * exports it (input {@code float_input} FLOAT {@code [N, k]}; outputs {@code label} INT64 {@code
 * [N, 1]}, +1 inlier and -1 outlier, and {@code scores} FLOAT {@code [N, 1]}, below zero for an
 * outlier), fitted here rather than trained by a library: a row's score is the radius minus its
 * squared standardized distance to the training mean, the radius being the largest such distance
 * among the training rows, so every training row is an inlier.
 */
final class OutlierDetector {
  static final String INPUT = "float_input";
  static final String LABEL = "label";
  static final String SCORES = "scores";

  /** {@code ReduceSum} takes its axes as an input from opset 13. */
  private static final long OPSET = 13;

  private OutlierDetector() {}

  /**
   * Fits the detector to {@code rows} (each of the same width, at least two rows).
   *
   * @param provenance metadata properties to record in the model
   */
  static ModelProto fit(List<float[]> rows, Map<String, String> provenance) {
    int width = rows.getFirst().length;
    float[] mean = new float[width];
    float[] inverseStd = new float[width];
    for (float[] row : rows) {
      for (int j = 0; j < width; j++) {
        mean[j] += row[j] / rows.size();
      }
    }
    for (int j = 0; j < width; j++) {
      double variance = 0;
      for (float[] row : rows) {
        variance += (row[j] - mean[j]) * (row[j] - mean[j]) / (rows.size() - 1);
      }
      inverseStd[j] = (float) (1 / Math.sqrt(Math.max(variance, 1e-12)));
    }
    float radius = 0;
    for (float[] row : rows) {
      float distance = 0;
      for (int j = 0; j < width; j++) {
        float z = (row[j] - mean[j]) * inverseStd[j];
        distance += z * z;
      }
      radius = Math.max(radius, distance);
    }

    TensorShapeProto.Dimension batch =
        TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
    GraphProto.Builder graph =
        GraphProto.newBuilder()
            .setName("mlsys_outlier_detector")
            .addInput(OnnxGraphs.info(INPUT, OnnxGraphs.FLOAT, batch, OnnxGraphs.dim(width)))
            .addOutput(OnnxGraphs.info(LABEL, OnnxGraphs.INT64, batch, OnnxGraphs.dim(1)))
            .addOutput(OnnxGraphs.info(SCORES, OnnxGraphs.FLOAT, batch, OnnxGraphs.dim(1)))
            .addInitializer(OnnxGraphs.floats("mean", new long[] {1, width}, mean))
            .addInitializer(OnnxGraphs.floats("inverse_std", new long[] {1, width}, inverseStd))
            .addInitializer(OnnxGraphs.floats("radius", new long[] {1, 1}, radius))
            .addInitializer(OnnxGraphs.floats("zero", new long[] {1, 1}, 0f))
            .addInitializer(OnnxGraphs.longs("axes", new long[] {1}, 1))
            .addInitializer(OnnxGraphs.longs("inlier", new long[] {1, 1}, 1))
            .addInitializer(OnnxGraphs.longs("outlier", new long[] {1, 1}, -1))
            .addNode(OnnxGraphs.node("Sub", "centered", INPUT, "mean"))
            .addNode(OnnxGraphs.node("Mul", "standardized", "centered", "inverse_std"))
            .addNode(OnnxGraphs.node("Mul", "squared", "standardized", "standardized"))
            .addNode(
                OnnxGraphs.node("ReduceSum", "distance", "squared", "axes").toBuilder()
                    .addAttribute(OnnxGraphs.intAttribute("keepdims", 1)))
            .addNode(OnnxGraphs.node("Sub", SCORES, "radius", "distance"))
            .addNode(OnnxGraphs.node("Less", "is_outlier", SCORES, "zero"))
            .addNode(OnnxGraphs.node("Where", LABEL, "is_outlier", "outlier", "inlier"));
    return OnnxGraphs.model(graph, OPSET, provenance);
  }
}
