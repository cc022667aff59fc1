package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Reshapes the ONNX graph Tribuo exports for a classifier ({@code input} FLOAT {@code [batch, n]}
 * to {@code output} FLOAT {@code [batch, k]} probabilities) into the shape a scikit-learn
 * classifier has when served: outputs {@code label} INT64 {@code [batch]} then {@code
 * probabilities} FLOAT {@code [batch, k]}. Optionally reorders the input columns (Tribuo orders
 * features by name) and the probability columns (Tribuo orders classes by first sight) with {@code
 * Gather} nodes, so callers can use the data set's column order and a sorted class order.
 */
final class ClassifierGraph {
  /**
   * Lowest default-domain opset this rewrite relies on: {@code ArgMax}-13 has {@code axis}, {@code
   * keepdims} and an INT64 output; {@code Gather}-13 takes INT64 indices along {@code axis}. Tribuo
   * 4.3.2 exports opset 13.
   */
  static final long MIN_OPSET = 13;

  private static final int ONNX_FLOAT = TensorProto.DataType.FLOAT.getNumber();
  private static final int ONNX_INT64 = TensorProto.DataType.INT64.getNumber();

  private ClassifierGraph() {}

  /**
   * Rewrites {@code tribuo}.
   *
   * @param inputColumns for each feature of Tribuo's input, the column of the new input that holds
   *     it
   * @param classColumns for each class of the new outputs, the column of Tribuo's output that holds
   *     it
   * @param labelOutput name of the class-index output
   * @param probabilitiesOutput name of the probabilities output
   * @param metadata extra metadata properties to add (Tribuo's are kept)
   * @throws IllegalStateException when the exported graph is not the shape Tribuo is known to
   *     export
   */
  static ModelProto rewrite(
      ModelProto tribuo,
      int[] inputColumns,
      int[] classColumns,
      String labelOutput,
      String probabilitiesOutput,
      Map<String, String> metadata) {
    checkOpset(tribuo);
    GraphProto graph = tribuo.getGraph();
    if (graph.getInputCount() != 1 || graph.getOutputCount() != 1) {
      throw new IllegalStateException(
          "Tribuo's ONNX graph has "
              + graph.getInputCount()
              + " inputs and "
              + graph.getOutputCount()
              + " outputs (expected: 1 and 1)");
    }
    ValueInfoProto input = graph.getInput(0);
    ValueInfoProto output = graph.getOutput(0);
    checkMatrix(input, inputColumns.length, "input");
    checkMatrix(output, classColumns.length, "output");
    checkPermutation(inputColumns, "inputColumns");
    checkPermutation(classColumns, "classColumns");

    Set<String> taken = namesIn(graph);
    // The probabilities may take over the name of Tribuo's output; nothing else may be reused.
    if (labelOutput.equals(probabilitiesOutput)
        || taken.contains(labelOutput)
        || (taken.contains(probabilitiesOutput) && !probabilitiesOutput.equals(output.getName()))) {
      throw new IllegalStateException(
          "output names '"
              + labelOutput
              + "' and '"
              + probabilitiesOutput
              + "' (expected: distinct and unused in Tribuo's graph "
              + taken
              + ")");
    }
    taken.add(labelOutput);
    taken.add(probabilitiesOutput);
    GraphProto.Builder rewritten = graph.toBuilder().clearNode().clearOutput();

    // Feature order: Gather(input, indices, axis=1) feeds Tribuo's nodes in Tribuo's order.
    if (!isIdentity(inputColumns)) {
      String reordered = unique("mlsys_tribuo_features", taken);
      String indices = unique("mlsys_feature_columns", taken);
      rewritten.addInitializer(int64Vector(indices, inputColumns));
      rewritten.addNode(
          gather(unique("mlsys_reorder_features", taken), input.getName(), indices, reordered));
      for (NodeProto node : graph.getNodeList()) {
        rewritten.addNode(renameInputs(node, input.getName(), reordered));
      }
    } else {
      rewritten.addAllNode(graph.getNodeList());
    }

    // Probabilities: Tribuo's output, its columns in the requested class order.
    String tribuoProbabilities =
        isIdentity(classColumns)
            ? probabilitiesOutput
            : unique("mlsys_tribuo_probabilities", taken);
    for (int i = 0; i < rewritten.getNodeCount(); i++) {
      rewritten.setNode(
          i, renameOutputs(rewritten.getNode(i), output.getName(), tribuoProbabilities));
    }
    if (!isIdentity(classColumns)) {
      String indices = unique("mlsys_class_columns", taken);
      rewritten.addInitializer(int64Vector(indices, classColumns));
      rewritten.addNode(
          gather(
              unique("mlsys_reorder_classes", taken),
              tribuoProbabilities,
              indices,
              probabilitiesOutput));
    }

    // Label: the index of the most probable class, as scikit-learn's output_label.
    rewritten.addNode(
        NodeProto.newBuilder()
            .setName(unique("mlsys_label", taken))
            .setOpType("ArgMax")
            .addInput(probabilitiesOutput)
            .addOutput(labelOutput)
            .addAttribute(intAttribute("axis", 1))
            .addAttribute(intAttribute("keepdims", 0)));

    TensorShapeProto.Dimension batch = output.getType().getTensorType().getShape().getDim(0);
    rewritten.addOutput(tensorInfo(labelOutput, ONNX_INT64, List.of(batch)));
    rewritten.addOutput(
        tensorInfo(
            probabilitiesOutput,
            ONNX_FLOAT,
            List.of(
                batch,
                TensorShapeProto.Dimension.newBuilder().setDimValue(classColumns.length).build())));

    ModelProto.Builder model = tribuo.toBuilder().setGraph(rewritten);
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }

  /**
   * {@code model} with its one input named {@code name} (scikit-learn's converters call it {@code
   * float_input}, Tribuo {@code input}); the nodes that read it read the new name.
   *
   * @throws IllegalStateException when the model has more than one input or the name is taken
   */
  static ModelProto renameInput(ModelProto model, String name) {
    GraphProto graph = model.getGraph();
    if (graph.getInputCount() != 1) {
      throw new IllegalStateException(
          "the ONNX graph has " + graph.getInputCount() + " inputs (expected: 1)");
    }
    String from = graph.getInput(0).getName();
    if (from.equals(name)) {
      return model;
    }
    Set<String> taken = namesIn(graph);
    if (taken.contains(name)) {
      throw new IllegalStateException(
          "input name '" + name + "' (expected: unused in the graph " + taken + ")");
    }
    GraphProto.Builder renamed =
        graph.toBuilder().setInput(0, graph.getInput(0).toBuilder().setName(name));
    for (int i = 0; i < renamed.getNodeCount(); i++) {
      renamed.setNode(i, renameInputs(renamed.getNode(i), from, name));
    }
    return model.toBuilder().setGraph(renamed).build();
  }

  private static void checkOpset(ModelProto model) {
    long opset =
        model.getOpsetImportList().stream()
            .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
            .mapToLong(OnnxMl.OperatorSetIdProto::getVersion)
            .max()
            .orElse(-1);
    if (opset < MIN_OPSET) {
      throw new IllegalStateException(
          "Tribuo's ONNX model imports opset " + opset + " (expected: >= " + MIN_OPSET + ")");
    }
  }

  private static void checkMatrix(ValueInfoProto value, int columns, String what) {
    TypeProto.Tensor tensor = value.getType().getTensorType();
    List<TensorShapeProto.Dimension> dims = tensor.getShape().getDimList();
    if (tensor.getElemType() != ONNX_FLOAT
        || dims.size() != 2
        || dims.get(1).getDimValue() != columns) {
      throw new IllegalStateException(
          "Tribuo's ONNX "
              + what
              + " '"
              + value.getName()
              + "' is "
              + value.getType()
              + " (expected: FLOAT [batch, "
              + columns
              + "])");
    }
  }

  private static void checkPermutation(int[] columns, String field) {
    boolean[] seen = new boolean[columns.length];
    for (int column : columns) {
      if (column < 0 || column >= columns.length || seen[column]) {
        throw new IllegalStateException(
            field
                + ": "
                + java.util.Arrays.toString(columns)
                + " (expected: a permutation of 0.."
                + (columns.length - 1)
                + ")");
      }
      seen[column] = true;
    }
  }

  private static boolean isIdentity(int[] columns) {
    return IntStream.range(0, columns.length).allMatch(i -> columns[i] == i);
  }

  private static Set<String> namesIn(GraphProto graph) {
    Set<String> names = new HashSet<>();
    graph.getInputList().forEach(v -> names.add(v.getName()));
    graph.getOutputList().forEach(v -> names.add(v.getName()));
    graph.getInitializerList().forEach(t -> names.add(t.getName()));
    for (NodeProto node : graph.getNodeList()) {
      names.add(node.getName());
      names.addAll(node.getInputList());
      names.addAll(node.getOutputList());
    }
    return names;
  }

  private static String unique(String base, Set<String> taken) {
    String name = base;
    for (int i = 1; taken.contains(name); i++) {
      name = base + "_" + i;
    }
    taken.add(name);
    return name;
  }

  private static NodeProto renameInputs(NodeProto node, String from, String to) {
    NodeProto.Builder builder = node.toBuilder();
    for (int i = 0; i < builder.getInputCount(); i++) {
      if (builder.getInput(i).equals(from)) {
        builder.setInput(i, to);
      }
    }
    return builder.build();
  }

  private static NodeProto renameOutputs(NodeProto node, String from, String to) {
    NodeProto.Builder builder = node.toBuilder();
    for (int i = 0; i < builder.getOutputCount(); i++) {
      if (builder.getOutput(i).equals(from)) {
        builder.setOutput(i, to);
      }
    }
    return builder.build();
  }

  private static NodeProto gather(String name, String data, String indices, String output) {
    return NodeProto.newBuilder()
        .setName(name)
        .setOpType("Gather")
        .addInput(data)
        .addInput(indices)
        .addOutput(output)
        .addAttribute(intAttribute("axis", 1))
        .build();
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  private static TensorProto int64Vector(String name, int[] values) {
    TensorProto.Builder tensor =
        TensorProto.newBuilder().setName(name).setDataType(ONNX_INT64).addDims(values.length);
    for (int value : values) {
      tensor.addInt64Data(value);
    }
    return tensor.build();
  }

  private static ValueInfoProto tensorInfo(
      String name, int elementType, List<TensorShapeProto.Dimension> dims) {
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder()
                        .setElemType(elementType)
                        .setShape(TensorShapeProto.newBuilder().addAllDim(dims))))
        .build();
  }
}
