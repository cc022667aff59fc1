package io.mlsys.onnx;

import ai.onnxruntime.TensorInfo.OnnxTensorType;
import io.mlsys.core.DataType;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Maps ONNX tensor element types to Open Inference Protocol datatypes. */
final class OnnxTypes {
  private OnnxTypes() {}

  /**
   * The OIP datatype of an ONNX element type; empty for types OIP has no name for (complex numbers,
   * 8-bit and 4-bit floats, undefined).
   */
  static Optional<DataType> dataType(OnnxTensorType type) {
    DataType mapped =
        switch (type) {
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16 -> DataType.UINT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32 -> DataType.UINT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64 -> DataType.UINT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FP16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FP32;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FP64;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BF16;
          case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.BYTES;
          // A default because the enum belongs to ONNX Runtime and grows with new releases.
          default -> null;
        };
    return Optional.ofNullable(mapped);
  }

  /**
   * Whether ONNX Runtime's Java API can create an input tensor of this datatype. It has no public
   * way to create UINT16, UINT32 or UINT64 tensors (OnnxJavaType has no unsigned types besides
   * UINT8), so models with such inputs cannot be served from Java.
   */
  static boolean canFeed(DataType type) {
    return switch (type) {
      case UINT16, UINT32, UINT64 -> false;
      case BOOL, UINT8, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BF16, BYTES -> true;
    };
  }

  static String feedableNames() {
    return Arrays.stream(DataType.values())
        .filter(OnnxTypes::canFeed)
        .map(DataType::name)
        .collect(Collectors.joining(", "));
  }
}
