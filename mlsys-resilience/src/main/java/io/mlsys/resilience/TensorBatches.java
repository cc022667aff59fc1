package io.mlsys.resilience;

import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorRows;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Concatenation of requests and splitting of answers along the first (batch) dimension. */
final class TensorBatches {
  private TensorBatches() {}

  /**
   * One request holding the rows of every request in order, with the first one's outputs and
   * parameters and no id.
   *
   * @param requests requests with equal {@link BatchKey}s
   * @param totalRows the sum of their rows
   * @throws IllegalArgumentException when the inputs do not add up to {@code totalRows} rows
   */
  static InferRequest concat(List<InferRequest> requests, int totalRows) {
    InferRequest first = requests.getFirst();
    List<Tensor> inputs = new ArrayList<>(first.inputs().size());
    List<Tensor> parts = new ArrayList<>(requests.size());
    for (int i = 0; i < first.inputs().size(); i++) {
      parts.clear();
      for (InferRequest request : requests) {
        parts.add(request.inputs().get(i));
      }
      Tensor joined = TensorRows.concat(parts, 0);
      if (joined.shape()[0] != totalRows) {
        throw new IllegalArgumentException(
            "inputs."
                + joined.name()
                + ": "
                + joined.shape()[0]
                + " rows (expected: "
                + totalRows
                + ", the rows of the requests)");
      }
      inputs.add(joined);
    }
    return new InferRequest(null, inputs, first.outputs(), first.parameters());
  }

  /**
   * Each part's rows of every output, in the outputs' order; empty when an output is a scalar or
   * its first dimension is not the sum of {@code rows}, so it cannot be split.
   *
   * @param rows the rows of each part, in the order they were concatenated
   */
  static Optional<List<List<Tensor>>> split(List<Tensor> outputs, int[] rows) {
    int total = 0;
    for (int r : rows) {
      total += r;
    }
    for (Tensor output : outputs) {
      if (output.shape().length == 0 || output.shape()[0] != total) {
        return Optional.empty();
      }
    }
    List<List<Tensor>> parts = new ArrayList<>(rows.length);
    for (int r = 0; r < rows.length; r++) {
      parts.add(new ArrayList<>(outputs.size()));
    }
    for (Tensor output : outputs) {
      List<Tensor> slices = TensorRows.split(output, rows);
      for (int p = 0; p < rows.length; p++) {
        parts.get(p).add(slices.get(p));
      }
    }
    return Optional.of(parts);
  }
}
