package io.mlsys.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Open Inference Protocol inference response.
 *
 * @param modelName the model (or graph) that answered
 * @param modelVersion its version; may be null
 * @param id the request id, echoed; may be null
 * @param outputs output tensors
 * @param parameters response parameters (e.g. which class each probability column is)
 */
public record InferResponse(
    String modelName,
    String modelVersion,
    String id,
    List<Tensor> outputs,
    Map<String, Object> parameters) {

  public InferResponse {
    Objects.requireNonNull(modelName, "modelName");
    outputs = List.copyOf(Objects.requireNonNull(outputs, "outputs"));
    parameters = Parameters.copyOf(parameters, "parameters");
  }

  public Optional<Tensor> output(String name) {
    for (Tensor tensor : outputs) {
      if (tensor.name().equals(name)) {
        return Optional.of(tensor);
      }
    }
    return Optional.empty();
  }

  public InferResponse withId(String newId) {
    return new InferResponse(modelName, modelVersion, newId, outputs, parameters);
  }
}
