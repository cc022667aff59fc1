package io.mlsys.core;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An Open Inference Protocol inference request.
 *
 * @param id client-chosen id, echoed in the response; may be null
 * @param inputs input tensors, names unique
 * @param outputs outputs asked for; empty means every output of the model
 * @param parameters request parameters (e.g. {@code timeout})
 */
public record InferRequest(
    String id, List<Tensor> inputs, List<RequestedOutput> outputs, Map<String, Object> parameters) {

  public InferRequest {
    inputs = List.copyOf(Objects.requireNonNull(inputs, "inputs"));
    outputs = outputs == null ? List.of() : List.copyOf(outputs);
    parameters = Parameters.copyOf(parameters, "parameters");
  }

  public static InferRequest of(Tensor... inputs) {
    return new InferRequest(null, List.of(inputs), List.of(), Map.of());
  }

  public Optional<Tensor> input(String name) {
    for (Tensor tensor : inputs) {
      if (tensor.name().equals(name)) {
        return Optional.of(tensor);
      }
    }
    return Optional.empty();
  }

  public InferRequest withOutputs(List<RequestedOutput> newOutputs) {
    return new InferRequest(id, inputs, newOutputs, parameters);
  }

  public InferRequest withInputs(List<Tensor> newInputs) {
    return new InferRequest(id, newInputs, outputs, parameters);
  }

  public InferRequest withParameters(Map<String, Object> newParameters) {
    return new InferRequest(id, inputs, outputs, newParameters);
  }
}
