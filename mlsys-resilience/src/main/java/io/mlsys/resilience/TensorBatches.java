package io.mlsys.resilience;

import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
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
   */
  static InferRequest concat(List<InferRequest> requests, int totalRows) {
    InferRequest first = requests.getFirst();
    List<Tensor> inputs = new ArrayList<>(first.inputs().size());
    for (int i = 0; i < first.inputs().size(); i++) {
      Tensor head = first.inputs().get(i);
      int length = 0;
      for (InferRequest request : requests) {
        length += request.inputs().get(i).data().size();
      }
      Object joined = newArray(head.data(), length);
      int offset = 0;
      for (InferRequest request : requests) {
        TensorData part = request.inputs().get(i).data();
        System.arraycopy(array(part), 0, joined, offset, part.size());
        offset += part.size();
      }
      long[] shape = head.shape().clone();
      shape[0] = totalRows;
      inputs.add(
          new Tensor(
              head.name(), head.datatype(), shape, wrap(head.data(), joined), head.parameters()));
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
      int perRow = total == 0 ? 0 : output.data().size() / total;
      Object whole = array(output.data());
      int offset = 0;
      for (int p = 0; p < rows.length; p++) {
        int length = rows[p] * perRow;
        Object slice = newArray(output.data(), length);
        System.arraycopy(whole, offset, slice, 0, length);
        offset += length;
        long[] shape = output.shape().clone();
        shape[0] = rows[p];
        parts
            .get(p)
            .add(
                new Tensor(
                    output.name(),
                    output.datatype(),
                    shape,
                    wrap(output.data(), slice),
                    output.parameters()));
      }
    }
    return Optional.of(parts);
  }

  /** The primitive array behind the data, for {@link System#arraycopy}. */
  private static Object array(TensorData data) {
    return switch (data) {
      case TensorData.Bools d -> d.values();
      case TensorData.Bytes d -> d.values();
      case TensorData.Shorts d -> d.values();
      case TensorData.Ints d -> d.values();
      case TensorData.Longs d -> d.values();
      case TensorData.Floats d -> d.values();
      case TensorData.Doubles d -> d.values();
      case TensorData.ByteStrings d -> d.values();
    };
  }

  /** A new array of the same kind as the data's. */
  private static Object newArray(TensorData like, int length) {
    return switch (like) {
      case TensorData.Bools d -> new boolean[length];
      case TensorData.Bytes d -> new byte[length];
      case TensorData.Shorts d -> new short[length];
      case TensorData.Ints d -> new int[length];
      case TensorData.Longs d -> new long[length];
      case TensorData.Floats d -> new float[length];
      case TensorData.Doubles d -> new double[length];
      // Element byte strings are shared, not copied: tensor data is never mutated.
      case TensorData.ByteStrings d -> new byte[length][];
    };
  }

  /** Data of the same kind as {@code like} over {@code array} (made by {@link #newArray}). */
  private static TensorData wrap(TensorData like, Object array) {
    return switch (like) {
      case TensorData.Bools d -> new TensorData.Bools((boolean[]) array);
      case TensorData.Bytes d -> new TensorData.Bytes((byte[]) array);
      case TensorData.Shorts d -> new TensorData.Shorts((short[]) array);
      case TensorData.Ints d -> new TensorData.Ints((int[]) array);
      case TensorData.Longs d -> new TensorData.Longs((long[]) array);
      case TensorData.Floats d -> new TensorData.Floats((float[]) array);
      case TensorData.Doubles d -> new TensorData.Doubles((double[]) array);
      case TensorData.ByteStrings d -> new TensorData.ByteStrings((byte[][]) array);
    };
  }
}
