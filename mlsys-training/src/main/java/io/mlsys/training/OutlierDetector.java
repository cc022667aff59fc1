package io.mlsys.training;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
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

  private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final int INT64 = TensorProto.DataType.INT64.getNumber();

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
            .addInput(info(INPUT, FLOAT, batch, dim(width)))
            .addOutput(info(LABEL, INT64, batch, dim(1)))
            .addOutput(info(SCORES, FLOAT, batch, dim(1)))
            .addInitializer(floats("mean", new long[] {1, width}, mean))
            .addInitializer(floats("inverse_std", new long[] {1, width}, inverseStd))
            .addInitializer(floats("radius", new long[] {1, 1}, radius))
            .addInitializer(floats("zero", new long[] {1, 1}, 0f))
            .addInitializer(longs("axes", new long[] {1}, 1))
            .addInitializer(longs("inlier", new long[] {1, 1}, 1))
            .addInitializer(longs("outlier", new long[] {1, 1}, -1))
            .addNode(node("Sub", "centered", INPUT, "mean"))
            .addNode(node("Mul", "standardized", "centered", "inverse_std"))
            .addNode(node("Mul", "squared", "standardized", "standardized"))
            .addNode(
                node("ReduceSum", "distance", "squared", "axes").toBuilder()
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("keepdims")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(1)))
            .addNode(node("Sub", SCORES, "radius", "distance"))
            .addNode(node("Less", "is_outlier", SCORES, "zero"))
            .addNode(node("Where", LABEL, "is_outlier", "outlier", "inlier"));
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("mlsys-training")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
            .setGraph(graph);
    provenance.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }

  private static TensorShapeProto.Dimension dim(long size) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
  }

  private static ValueInfoProto info(String name, int type, TensorShapeProto.Dimension... dims) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(type)
                        .setShape(TensorShapeProto.newBuilder().addAllDim(List.of(dims)))))
        .build();
  }

  private static TensorProto floats(String name, long[] dims, float... values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    for (float value : values) {
      tensor.addFloatData(value);
    }
    return tensor.build();
  }

  private static TensorProto longs(String name, long[] dims, long... values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    for (long value : values) {
      tensor.addInt64Data(value);
    }
    return tensor.build();
  }

  private static NodeProto node(String op, String output, String... inputs) {
    return NodeProto.newBuilder()
        .setName(output)
        .setOpType(op)
        .addAllInput(List.of(inputs))
        .addOutput(output)
        .build();
  }
}
