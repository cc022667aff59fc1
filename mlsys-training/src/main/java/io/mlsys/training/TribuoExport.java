package io.mlsys.training;

import ai.onnx.proto.OnnxMl;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.Trainer;
import org.tribuo.Tribuo;
import org.tribuo.classification.Label;

/**
 * Exports a Tribuo classifier to ONNX in the shape of a scikit-learn classifier ({@link
 * ClassifierGraph}), with compact metadata instead of Tribuo's provenance: Tribuo writes its whole
 * provenance (about 30 KB, with the path of the file it read) into the ONNX metadata, which a
 * server then shows in every model's metadata. What matters of it is kept under {@code mlsys.*}
 * keys; the full lineage lives in the registry.
 */
final class TribuoExport {
  private TribuoExport() {}

  /**
   * Exports {@code model}.
   *
   * @param featureNames the ONNX input columns in order (Tribuo orders them by name; a Gather maps
   *     them)
   * @param classNames the probability columns in order
   * @param metadata compact metadata to write, besides the feature and class names
   */
  static OnnxMl.ModelProto classifier(
      Model<Label> model,
      List<String> featureNames,
      List<String> classNames,
      String inputName,
      String labelOutput,
      String probabilitiesOutput,
      Map<String, String> metadata) {
    if (!(model instanceof ONNXExportable exportable)) {
      throw new IllegalStateException(
          model.getClass().getSimpleName() + " does not export to ONNX");
    }
    int[] classColumns =
        classNames.stream()
            .mapToInt(name -> model.getOutputIDInfo().getID(new Label(name)))
            .toArray();
    int[] inputColumns = new int[model.getFeatureIDMap().size()];
    if (inputColumns.length != featureNames.size()) {
      throw new IllegalStateException(
          "the Tribuo model has "
              + inputColumns.length
              + " features (expected: "
              + featureNames.size()
              + ", every feature column; a column that is 0 in every training row is not seen)");
    }
    for (int id = 0; id < inputColumns.length; id++) {
      String feature = model.getFeatureIDMap().get(id).getName();
      inputColumns[id] = featureNames.indexOf(feature);
      if (inputColumns[id] < 0) {
        throw new IllegalStateException(
            "Tribuo model feature '" + feature + "' (expected: one of " + featureNames + ")");
      }
    }
    OnnxMl.ModelProto exported =
        withoutProvenance(
            exportable.exportONNXModel(IrisDemo.ONNX_DOMAIN, IrisDemo.DEFAULT_VERSION));
    String tribuoInput = exported.getGraph().getInput(0).getName();
    if (!tribuoInput.equals(IrisDemo.INPUT_NAME)) {
      throw new IllegalStateException(
          "Tribuo named the ONNX input '"
              + tribuoInput
              + "' (expected: '"
              + IrisDemo.INPUT_NAME
              + "')");
    }
    Map<String, String> all = new LinkedHashMap<>();
    all.put(IrisDemo.FEATURE_NAMES_METADATA, String.join(",", featureNames));
    all.put(IrisDemo.CLASS_NAMES_METADATA, String.join(",", classNames));
    all.putAll(metadata);
    return ClassifierGraph.renameInput(
        ClassifierGraph.rewrite(
            exported, inputColumns, classColumns, labelOutput, probabilitiesOutput, all),
        inputName);
  }

  /**
   * What to keep of Tribuo's provenance: the trainer with its hyperparameters (its {@code
   * toString}), Tribuo's version, the data's digest and the split.
   */
  static Map<String, String> compactProvenance(
      Trainer<Label> trainer, String dataDigest, String split) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(ClassifierTraining.TRAINER_METADATA, trainer.toString());
    metadata.put(ClassifierTraining.TRIBUO_VERSION_METADATA, Tribuo.VERSION);
    metadata.put(ClassifierTraining.DATA_DIGEST_METADATA, dataDigest);
    metadata.put(ClassifierTraining.SPLIT_METADATA, split);
    return metadata;
  }

  /** {@code model} without the metadata entry Tribuo writes its provenance into. */
  static OnnxMl.ModelProto withoutProvenance(OnnxMl.ModelProto model) {
    OnnxMl.ModelProto.Builder builder = model.toBuilder().clearMetadataProps();
    for (OnnxMl.StringStringEntryProto entry : model.getMetadataPropsList()) {
      if (!entry.getKey().equals(ONNXExportable.PROVENANCE_METADATA_FIELD)) {
        builder.addMetadataProps(entry);
      }
    }
    return builder.build();
  }
}
