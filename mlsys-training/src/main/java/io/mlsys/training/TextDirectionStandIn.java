package io.mlsys.training;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.util.Map;

/**
 * A stand-in for PaddleOCR's text direction classifier, with its ONNX signature (input {@code x}
 * FLOAT {@code [N, 3, 48, W]}, normalized to [-1, 1] with white at 1; output {@code
 * softmax_0.tmp_0} FLOAT {@code [N, 2]}, the probabilities of upright and of turned by 180
 * degrees), written as a graph rather than trained: in a line of Latin text most ink lies in the
 * lower half (the x-height letters sit on the baseline), so the line is upright when its lower half
 * is darker than its upper half, and turned when the upper half is.
 */
final class TextDirectionStandIn {
  static final String INPUT = "x";
  static final String OUTPUT = "softmax_0.tmp_0";
  static final int HEIGHT = 48;

  /** {@code Slice}, {@code ReduceSum} and {@code Unsqueeze} take their axes as inputs from 13. */
  private static final long OPSET = 13;

  /** Logits per unit of ink difference: a few rows of letters make a confident answer. */
  private static final float SHARPNESS = 0.005f;

  private TextDirectionStandIn() {}

  static ModelProto build(Map<String, String> provenance) {
    TensorShapeProto.Dimension batch =
        TensorShapeProto.Dimension.newBuilder().setDimParam("N").build();
    TensorShapeProto.Dimension width =
        TensorShapeProto.Dimension.newBuilder().setDimParam("W").build();
    int half = HEIGHT / 2;
    GraphProto.Builder graph =
        GraphProto.newBuilder()
            .setName("mlsys_text_direction_stand_in")
            .addInput(
                OnnxGraphs.info(
                    INPUT,
                    OnnxGraphs.FLOAT,
                    batch,
                    OnnxGraphs.dim(3),
                    OnnxGraphs.dim(HEIGHT),
                    width))
            .addOutput(OnnxGraphs.info(OUTPUT, OnnxGraphs.FLOAT, batch, OnnxGraphs.dim(2)))
            .addInitializer(OnnxGraphs.longs("rows_axis", new long[] {1}, 2))
            .addInitializer(OnnxGraphs.longs("top_start", new long[] {1}, 0))
            .addInitializer(OnnxGraphs.longs("top_end", new long[] {1}, half))
            .addInitializer(OnnxGraphs.longs("bottom_start", new long[] {1}, half))
            .addInitializer(OnnxGraphs.longs("bottom_end", new long[] {1}, HEIGHT))
            .addInitializer(OnnxGraphs.longs("image_axes", new long[] {3}, 1, 2, 3))
            .addInitializer(OnnxGraphs.longs("column_axis", new long[] {1}, 1))
            .addInitializer(OnnxGraphs.floats("sharpness", new long[] {}, SHARPNESS))
            .addNode(OnnxGraphs.node("Slice", "top", INPUT, "top_start", "top_end", "rows_axis"))
            .addNode(
                OnnxGraphs.node(
                    "Slice", "bottom", INPUT, "bottom_start", "bottom_end", "rows_axis"))
            // White is 1 and ink is -1: the darker half has the smaller sum.
            .addNode(keepNone(OnnxGraphs.node("ReduceSum", "top_sum", "top", "image_axes")))
            .addNode(keepNone(OnnxGraphs.node("ReduceSum", "bottom_sum", "bottom", "image_axes")))
            .addNode(OnnxGraphs.node("Sub", "lower_ink", "top_sum", "bottom_sum"))
            .addNode(OnnxGraphs.node("Mul", "upright", "lower_ink", "sharpness"))
            .addNode(OnnxGraphs.node("Neg", "turned", "upright"))
            .addNode(OnnxGraphs.node("Unsqueeze", "upright_column", "upright", "column_axis"))
            .addNode(OnnxGraphs.node("Unsqueeze", "turned_column", "turned", "column_axis"))
            .addNode(
                OnnxGraphs.node("Concat", "logits", "upright_column", "turned_column").toBuilder()
                    .addAttribute(OnnxGraphs.intAttribute("axis", 1))
                    .build())
            .addNode(
                OnnxGraphs.node("Softmax", OUTPUT, "logits").toBuilder()
                    .addAttribute(OnnxGraphs.intAttribute("axis", 1))
                    .build());
    return OnnxGraphs.model(graph, OPSET, provenance);
  }

  private static ai.onnx.proto.OnnxMl.NodeProto keepNone(ai.onnx.proto.OnnxMl.NodeProto node) {
    return node.toBuilder().addAttribute(OnnxGraphs.intAttribute("keepdims", 0)).build();
  }
}
