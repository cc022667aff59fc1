package io.mlsys.registry;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.TensorSpec;
import java.util.List;
import java.util.Map;

/**
 * A version's serving signature, captured by loading it at registration: what a server exposes for
 * it (the OIP metadata without name and version).
 */
public record ModelSignature(
    String platform,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, String> labels) {

  public ModelSignature {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static ModelSignature of(ModelMetadata metadata) {
    return new ModelSignature(
        metadata.platform(), metadata.inputs(), metadata.outputs(), metadata.labels());
  }
}
