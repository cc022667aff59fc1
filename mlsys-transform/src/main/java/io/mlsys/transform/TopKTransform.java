package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code top-k: {tensor: x, k: 5, output: top, labels: ...}}: the k highest values of each row of
 * [N, C], highest first (ties: the lower column first), as {@code top_values} (FP32, FP64 stays
 * FP64), {@code top_indices} (INT64) and, with labels, {@code top_labels} (BYTES), each [N, k].
 */
final class TopKTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final int k;
  private final String output;
  private final List<String> labels;
  private final List<byte[]> labelBytes;

  /**
   * @param labels null for no labels output
   */
  TopKTransform(StepPath step, String tensor, int k, String output, List<String> labels) {
    this.step = step;
    this.tensor = tensor;
    this.k = k;
    this.output = output;
    this.labels = labels == null ? null : List.copyOf(labels);
    this.labelBytes = labels == null ? null : ArgmaxTransform.utf8(labels);
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    int columns = LastAxis.columns(input, step);
    if (k > columns) {
      throw step.invalid(
          tensor,
          "last dimension is "
              + columns
              + " in shape "
              + Tensors.shapeText(input.shape())
              + " (expected: at least k = "
              + k
              + " columns)");
    }
    double[] values = input.toDoubleArray();
    int rows = values.length / columns;
    double[] topValues = new double[rows * k];
    long[] topIndices = new long[rows * k];
    for (int row = 0; row < rows; row++) {
      selectTop(values, row * columns, columns, topValues, topIndices, row * k);
    }
    long[] shape = LastAxis.leading(input.shape());
    shape = Arrays.copyOf(shape, shape.length + 1);
    shape[shape.length - 1] = k;
    DataType type = Numbers.floatResult(input.datatype());
    List<Tensor> outputs = new ArrayList<>(3);
    outputs.add(new Tensor(output + "_values", type, shape, Numbers.floatData(type, topValues)));
    outputs.add(
        new Tensor(output + "_indices", DataType.INT64, shape, new TensorData.Longs(topIndices)));
    if (labelBytes != null) {
      byte[][] named = new byte[topIndices.length][];
      for (int i = 0; i < named.length; i++) {
        named[i] = LastAxis.label(labelBytes, (int) topIndices[i], i / k, tensor, step);
      }
      outputs.add(
          new Tensor(output + "_labels", DataType.BYTES, shape, new TensorData.ByteStrings(named)));
    }
    return Tensors.put(tensors, Tensor::name, outputs.toArray(Tensor[]::new));
  }

  /** Insertion into a sorted list of k: O(C * k), fine for the small k this step is for. */
  private void selectTop(
      double[] values, int base, int columns, double[] topValues, long[] topIndices, int at) {
    int filled = 0;
    for (int c = 0; c < columns; c++) {
      double v = values[base + c];
      if (filled == k && Double.compare(v, topValues[at + k - 1]) <= 0) {
        continue;
      }
      int position = filled == k ? k - 1 : filled++;
      // Strictly greater moves up, so an equal earlier column stays ahead.
      while (position > 0 && Double.compare(v, topValues[at + position - 1]) > 0) {
        topValues[at + position] = topValues[at + position - 1];
        topIndices[at + position] = topIndices[at + position - 1];
        position--;
      }
      topValues[at + position] = v;
      topIndices[at + position] = c;
    }
  }

  @Override
  public TensorAccess access() {
    List<String> writes = new ArrayList<>(3);
    writes.add(output + "_values");
    writes.add(output + "_indices");
    if (labels != null) {
      writes.add(output + "_labels");
    }
    return TensorAccess.of(List.of(tensor), writes);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null || !LastAxis.check(input, violations)) {
      return inputs;
    }
    long columns = input.shape().getLast();
    if (columns >= 0 && columns < k) {
      violations.accept(
          "k", k + " (expected: at most the last dimension of '" + tensor + "', " + columns + ")");
    }
    LastAxis.checkLabels(input, labels, violations);
    List<Long> shape = new ArrayList<>(input.shape().subList(0, input.shape().size() - 1));
    shape.add((long) k);
    List<TensorSpec> outputs = new ArrayList<>(3);
    outputs.add(Tensors.spec(output + "_values", Numbers.floatResult(input.datatype()), shape));
    outputs.add(Tensors.spec(output + "_indices", DataType.INT64, shape));
    if (labels != null) {
      outputs.add(Tensors.spec(output + "_labels", DataType.BYTES, shape));
    }
    return Tensors.put(inputs, TensorSpec::name, outputs.toArray(TensorSpec[]::new));
  }
}
