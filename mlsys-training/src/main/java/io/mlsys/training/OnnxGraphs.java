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

/** Small builders for the ONNX graphs the stand-ins are written as, node by node. */
final class OnnxGraphs {
  static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
  static final int INT64 = TensorProto.DataType.INT64.getNumber();

  private OnnxGraphs() {}

  static TensorShapeProto.Dimension dim(long size) {
    return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
  }

  static ValueInfoProto info(String name, int type, TensorShapeProto.Dimension... dims) {
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

  static TensorProto floats(String name, long[] dims, float... values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    for (float value : values) {
      tensor.addFloatData(value);
    }
    return tensor.build();
  }

  static TensorProto longs(String name, long[] dims, long... values) {
    TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(INT64);
    for (long dim : dims) {
      tensor.addDims(dim);
    }
    for (long value : values) {
      tensor.addInt64Data(value);
    }
    return tensor.build();
  }

  static NodeProto node(String op, String output, String... inputs) {
    return NodeProto.newBuilder()
        .setName(output)
        .setOpType(op)
        .addAllInput(List.of(inputs))
        .addOutput(output)
        .build();
  }

  static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** A model of one graph in the default domain at {@code opset}. */
  static ModelProto model(GraphProto.Builder graph, long opset, Map<String, String> metadata) {
    ModelProto.Builder model =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("mlsys-training")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .setGraph(graph);
    metadata.forEach(
        (key, value) ->
            model.addMetadataProps(
                StringStringEntryProto.newBuilder().setKey(key).setValue(value)));
    return model.build();
  }
}
