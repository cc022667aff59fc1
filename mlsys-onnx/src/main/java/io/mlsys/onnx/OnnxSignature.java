package io.mlsys.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.mlsys.core.DataType;
import io.mlsys.core.ModelLoadException;
import io.mlsys.core.TensorSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's inputs and outputs as mlsys serves them, derived once at load from the session's {@link
 * NodeInfo} and the facts read from the model file.
 *
 * @param inputs every input the model needs, in graph order
 * @param outputs every output mlsys can return, in graph order
 * @param unsupportedOutputs outputs whose ONNX type has no Open Inference Protocol form (e.g. a
 *     sequence of tensors), each as {@code name: type}; they are never computed
 */
record OnnxSignature(
    Map<String, InputSlot> inputs,
    Map<String, OutputSlot> outputs,
    List<String> unsupportedOutputs) {

  OnnxSignature {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    unsupportedOutputs = List.copyOf(unsupportedOutputs);
  }

  /**
   * One model input.
   *
   * @param spec name, datatype and shape (-1 for a dynamic or symbolic dimension)
   * @param shapeKnown false when the model declares no shape at all, so any rank is accepted
   */
  record InputSlot(TensorSpec spec, boolean shapeKnown) {}

  /** One model output: a plain tensor, or a sequence of class-to-score maps. */
  sealed interface OutputSlot permits TensorOutput, ClassMapOutput, ClassScoresOutput {
    TensorSpec spec();

    /** The graph output to ask ONNX Runtime for. */
    default String fetch() {
      return spec().name();
    }
  }

  /** An output that is a tensor and is returned as the tensor of the matching datatype. */
  record TensorOutput(TensorSpec spec) implements OutputSlot {}

  /**
   * A ZipMap output served from the ZipMap's input instead: the FLOAT {@code [N, C]} scores tensor
   * whose columns are already in class order, added to the graph outputs at load. It gives the same
   * values as the maps without building N maps in native code and copying each into a Java map.
   *
   * @param spec as for {@link ClassMapOutput}, with the classes known
   * @param fetch the scores tensor's name
   */
  record ClassScoresOutput(TensorSpec spec, String fetch) implements OutputSlot {}

  /**
   * A {@code seq(map(int64|string, float))} output (scikit-learn's ZipMap), returned as an FP32
   * {@code [N, C]} tensor with one column per class.
   *
   * @param spec FP32 {@code [-1, C]} with {@link TensorSpec#classes()} the keys in column order;
   *     {@code [-1, -1]} and no classes when the model file does not name them
   * @param stringKeys whether the map keys are strings (else int64)
   * @param keys the map keys in column order, as ONNX Runtime returns them ({@code Long} or {@code
   *     String}); empty when the classes are not known
   */
  record ClassMapOutput(TensorSpec spec, boolean stringKeys, List<Object> keys)
      implements OutputSlot {
    ClassMapOutput {
      keys = List.copyOf(keys);
    }
  }

  /**
   * Builds the signature.
   *
   * @throws ModelLoadException when an input has a type that cannot be fed from Java
   */
  static OnnxSignature of(
      String modelName,
      Map<String, NodeInfo> inputInfo,
      Map<String, NodeInfo> outputInfo,
      OnnxModelProto proto) {
    return of(modelName, inputInfo, outputInfo, proto, Set.of());
  }

  /**
   * Builds the signature of a session whose graph had {@code addedOutputs} (ZipMap inputs) added as
   * outputs; those are fetched in place of their ZipMap outputs and are not part of the signature.
   *
   * @throws ModelLoadException when an input has a type that cannot be fed from Java
   */
  static OnnxSignature of(
      String modelName,
      Map<String, NodeInfo> inputInfo,
      Map<String, NodeInfo> outputInfo,
      OnnxModelProto proto,
      Set<String> addedOutputs) {
    Map<String, InputSlot> inputs = new LinkedHashMap<>();
    for (NodeInfo node : inputInfo.values()) {
      inputs.put(node.getName(), input(modelName, node, proto));
    }
    Map<String, OutputSlot> outputs = new LinkedHashMap<>();
    List<String> unsupported = new ArrayList<>();
    for (NodeInfo node : outputInfo.values()) {
      if (addedOutputs.contains(node.getName())) {
        continue;
      }
      Optional<OutputSlot> slot = output(modelName, node, proto);
      if (slot.isPresent()) {
        outputs.put(node.getName(), scoresInstead(slot.get(), proto, outputInfo, addedOutputs));
      } else {
        unsupported.add(node.getName() + ": " + node.getInfo());
      }
    }
    return new OnnxSignature(inputs, outputs, unsupported);
  }

  /** A ZipMap output whose scores tensor the session can return, served from that tensor. */
  private static OutputSlot scoresInstead(
      OutputSlot slot,
      OnnxModelProto proto,
      Map<String, NodeInfo> outputInfo,
      Set<String> addedOutputs) {
    if (!(slot instanceof ClassMapOutput classMap) || classMap.spec().classes().isEmpty()) {
      return slot;
    }
    String scores = proto.zipMaps().get(slot.spec().name()).input();
    boolean fetchable =
        (addedOutputs.contains(scores) || proto.outputs().contains(scores))
            && outputInfo.get(scores) != null
            && outputInfo.get(scores).getInfo() instanceof TensorInfo tensor
            && tensor.type == OnnxJavaType.FLOAT;
    return fetchable ? new ClassScoresOutput(slot.spec(), scores) : slot;
  }

  List<TensorSpec> inputSpecs() {
    return inputs.values().stream().map(InputSlot::spec).toList();
  }

  List<TensorSpec> outputSpecs() {
    return outputs.values().stream().map(OutputSlot::spec).toList();
  }

  private static InputSlot input(String modelName, NodeInfo node, OnnxModelProto proto) {
    if (!(node.getInfo() instanceof TensorInfo tensor)) {
      throw new ModelLoadException(
          modelName,
          "input '"
              + node.getName()
              + "' is "
              + node.getInfo()
              + " (expected: a tensor; sequence and map inputs are not supported)",
          null);
    }
    DataType type =
        OnnxTypes.dataType(tensor.onnxType)
            .filter(OnnxTypes::canFeed)
            .orElseThrow(
                () ->
                    new ModelLoadException(
                        modelName,
                        "input '"
                            + node.getName()
                            + "' has ONNX type "
                            + tensor.onnxType
                            + " (expected: one that ONNX Runtime's Java API can feed: "
                            + OnnxTypes.feedableNames()
                            + ")",
                        null));
    boolean shapeKnown = !proto.shapelessInputs().contains(node.getName());
    List<Long> shape = shapeKnown ? shapeOf(tensor) : List.of();
    Map<String, Object> parameters = shapeKnown ? Map.of() : Map.of("shape_unknown", true);
    return new InputSlot(
        new TensorSpec(node.getName(), type, shape, List.of(), parameters), shapeKnown);
  }

  private static Optional<OutputSlot> output(
      String modelName, NodeInfo node, OnnxModelProto proto) {
    ValueInfo info = node.getInfo();
    if (info instanceof TensorInfo tensor) {
      return OnnxTypes.dataType(tensor.onnxType)
          .map(type -> new TensorOutput(new TensorSpec(node.getName(), type, shapeOf(tensor))));
    }
    if (info instanceof SequenceInfo sequence && isClassMap(sequence)) {
      return Optional.of(classMap(modelName, node.getName(), sequence.mapInfo, proto));
    }
    return Optional.empty();
  }

  private static boolean isClassMap(SequenceInfo sequence) {
    MapInfo map = sequence.mapInfo;
    return sequence.sequenceOfMaps
        && map != null
        && (map.keyType == OnnxJavaType.INT64 || map.keyType == OnnxJavaType.STRING)
        && map.valueType == OnnxJavaType.FLOAT;
  }

  private static OutputSlot classMap(
      String modelName, String name, MapInfo map, OnnxModelProto proto) {
    boolean stringKeys = map.keyType == OnnxJavaType.STRING;
    List<String> classes = proto.classesOf(name).orElse(List.of());
    List<Object> keys = new ArrayList<>(classes.size());
    for (int i = 0; i < classes.size(); i++) {
      try {
        keys.add(stringKeys ? classes.get(i) : Long.valueOf(classes.get(i)));
      } catch (NumberFormatException e) {
        throw new ModelLoadException(
            modelName,
            "output '"
                + name
                + "' has int64 keys but its ZipMap names class '"
                + classes.get(i)
                + "' (expected: integer class labels)",
            e);
      }
    }
    long columns = classes.isEmpty() ? -1 : classes.size();
    TensorSpec spec = new TensorSpec(name, DataType.FP32, List.of(-1L, columns), classes, Map.of());
    return new ClassMapOutput(spec, stringKeys, keys);
  }

  private static List<Long> shapeOf(TensorInfo tensor) {
    long[] dims = tensor.getShape();
    List<Long> shape = new ArrayList<>(dims.length);
    for (long dim : dims) {
      shape.add(dim < 0 ? -1L : dim);
    }
    return shape;
  }
}
