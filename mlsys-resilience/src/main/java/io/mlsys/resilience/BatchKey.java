package io.mlsys.resilience;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything requests must share to be concatenated along the first dimension: the inputs' names
 * (in order), datatypes, parameters and shapes after the first dimension, the requested outputs and
 * the request parameters. A grouping key compared with {@code equals}, never a cache key.
 */
final class BatchKey {
  private final List<InputKey> inputs;
  private final List<RequestedOutput> outputs;
  private final Map<String, Object> parameters;
  // Cached: the dispatcher's map hashes the key under its lock.
  private final int hash;

  private record InputKey(
      String name, DataType datatype, List<Long> innerShape, Map<String, Object> parameters) {}

  private BatchKey(
      List<InputKey> inputs, List<RequestedOutput> outputs, Map<String, Object> parameters) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.parameters = parameters;
    this.hash = 31 * (31 * inputs.hashCode() + outputs.hashCode()) + parameters.hashCode();
  }

  /**
   * The first dimension every input of the request shares (its rows), or -1 when there is none: no
   * inputs, a scalar input, or inputs with different first dimensions.
   */
  static long rows(InferRequest request) {
    long rows = -1;
    for (Tensor input : request.inputs()) {
      long[] shape = input.shape();
      if (shape.length == 0 || (rows != -1 && shape[0] != rows)) {
        return -1;
      }
      rows = shape[0];
    }
    return rows;
  }

  /** The key of a request whose {@link #rows} is not -1. */
  static BatchKey of(InferRequest request) {
    List<InputKey> inputs = new ArrayList<>(request.inputs().size());
    for (Tensor input : request.inputs()) {
      long[] shape = input.shape();
      List<Long> inner = new ArrayList<>(shape.length - 1);
      for (int i = 1; i < shape.length; i++) {
        inner.add(shape[i]);
      }
      inputs.add(new InputKey(input.name(), input.datatype(), inner, input.parameters()));
    }
    return new BatchKey(inputs, request.outputs(), request.parameters());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatchKey other
        && hash == other.hash
        && inputs.equals(other.inputs)
        && outputs.equals(other.outputs)
        && parameters.equals(other.parameters);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return "BatchKey[" + inputs + ", outputs=" + outputs + ", parameters=" + parameters + "]";
  }
}
