package io.mlsys.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a model (or graph) tells about itself: the OIP model metadata plus class labels and
 * free-form properties such as the producer and lineage.
 *
 * @param name model name
 * @param version version served, may be null for an unversioned predictor
 * @param platform e.g. {@code onnxruntime_onnx}
 * @param inputs input signature
 * @param outputs output signature
 * @param labels class key (as text) to display label, e.g. {@code "0" -> "setosa"}; empty if none
 * @param properties free-form facts (producer, training provenance, source uri)
 */
public record ModelMetadata(
    String name,
    String version,
    String platform,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, String> labels,
    Map<String, String> properties) {

  public ModelMetadata {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(platform, "platform");
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    labels = Map.copyOf(labels);
    properties = Map.copyOf(properties);
  }

  public Optional<TensorSpec> input(String inputName) {
    return inputs.stream().filter(spec -> spec.name().equals(inputName)).findFirst();
  }

  public Optional<TensorSpec> output(String outputName) {
    return outputs.stream().filter(spec -> spec.name().equals(outputName)).findFirst();
  }

  public ModelMetadata withLabels(Map<String, String> newLabels) {
    return new ModelMetadata(name, version, platform, inputs, outputs, newLabels, properties);
  }

  public ModelMetadata withNameAndVersion(String newName, String newVersion) {
    return new ModelMetadata(newName, newVersion, platform, inputs, outputs, labels, properties);
  }
}
