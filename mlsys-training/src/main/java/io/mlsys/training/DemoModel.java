package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import io.mlsys.core.InvalidInputException;
import java.util.List;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * A trained demo classifier: the Tribuo model, its ONNX export shaped like a scikit-learn
 * classifier, and its held-out metrics.
 *
 * <p>The ONNX model has one input {@link IrisDemo#INPUT_NAME} (FLOAT {@code [-1, n]}, columns in
 * {@link #featureNames()} order) and two outputs in this order: {@link IrisDemo#LABEL_OUTPUT}
 * (INT64 {@code [-1]}, the class index) and {@link IrisDemo#PROBABILITIES_OUTPUT} (FLOAT {@code
 * [-1, k]}, one column per class in {@link #classNames()} order). The ONNX metadata holds the
 * compact part of Tribuo's provenance ({@link ClassifierTraining#TRAINER_METADATA} and its
 * siblings); the Tribuo model keeps the full provenance.
 *
 * @param tribuoModel the model as Tribuo trained it
 * @param onnxModel the exported ONNX model
 * @param featureNames the ONNX input columns, in order
 * @param classNames the class of each ONNX probability column (and label index), in order
 * @param metrics evaluation on the held-out rows
 */
public record DemoModel(
    Model<Label> tribuoModel,
    OnnxMl.ModelProto onnxModel,
    List<String> featureNames,
    List<String> classNames,
    DemoMetrics metrics) {
  public DemoModel {
    require(tribuoModel, "tribuoModel");
    require(onnxModel, "onnxModel");
    require(featureNames, "featureNames");
    require(classNames, "classNames");
    require(metrics, "metrics");
    featureNames = List.copyOf(featureNames);
    classNames = List.copyOf(classNames);
    if (featureNames.isEmpty()) {
      throw new InvalidInputException("featureNames", "[] (expected: at least one feature)");
    }
    if (classNames.size() < 2) {
      throw new InvalidInputException("classNames", classNames + " (expected: at least 2)");
    }
  }

  /** The ONNX model as the bytes of a {@code model.onnx} file. */
  public byte[] onnxBytes() {
    return onnxModel.toByteArray();
  }

  private static void require(Object value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "null (expected: a value)");
    }
  }
}
