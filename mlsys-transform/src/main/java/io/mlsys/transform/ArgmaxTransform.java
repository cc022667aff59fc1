package io.mlsys.transform;

import io.mlsys.core.DataType;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorSpec;
import io.mlsys.transform.spi.TensorAccess;
import io.mlsys.transform.spi.Transform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * {@code argmax: {tensor: x, output: label, labels: ...}}: the column of the highest value of each
 * row of [N, C] (INT64 [N]), or its label (BYTES [N]). Ties go to the first column; NaN counts as
 * the highest value, as in NumPy.
 */
final class ArgmaxTransform implements Transform {
  private final StepPath step;
  private final String tensor;
  private final String output;
  private final List<String> labels;
  private final List<byte[]> labelBytes;

  /**
   * @param labels null for indices
   */
  ArgmaxTransform(StepPath step, String tensor, String output, List<String> labels) {
    this.step = step;
    this.tensor = tensor;
    this.output = output;
    this.labels = labels == null ? null : List.copyOf(labels);
    this.labelBytes = labels == null ? null : utf8(labels);
  }

  static List<byte[]> utf8(List<String> labels) {
    List<byte[]> bytes = new ArrayList<>(labels.size());
    for (String label : labels) {
      bytes.add(label.getBytes(StandardCharsets.UTF_8));
    }
    return List.copyOf(bytes);
  }

  @Override
  public List<Tensor> apply(List<Tensor> tensors) {
    Tensor input = Tensors.require(tensors, tensor, step);
    int columns = LastAxis.columns(input, step);
    double[] values = input.toDoubleArray();
    int rows = values.length / columns;
    long[] indices = new long[rows];
    for (int row = 0; row < rows; row++) {
      int base = row * columns;
      int best = 0;
      for (int c = 1; c < columns; c++) {
        if (Double.compare(values[base + c], values[base + best]) > 0) {
          best = c;
        }
      }
      indices[row] = best;
    }
    long[] shape = LastAxis.leading(input.shape());
    Tensor result;
    if (labelBytes == null) {
      result = new Tensor(output, DataType.INT64, shape, new TensorData.Longs(indices));
    } else {
      byte[][] named = new byte[rows][];
      for (int row = 0; row < rows; row++) {
        named[row] = LastAxis.label(labelBytes, (int) indices[row], row, tensor, step);
      }
      result = new Tensor(output, DataType.BYTES, shape, new TensorData.ByteStrings(named));
    }
    return Tensors.put(tensors, Tensor::name, result);
  }

  @Override
  public TensorAccess access() {
    return TensorAccess.replacing(tensor, output);
  }

  @Override
  public List<TensorSpec> outputSpecs(
      List<TensorSpec> inputs, BiConsumer<String, String> violations) {
    TensorSpec input = Tensors.require(inputs, tensor, "tensor", violations);
    if (input == null || !LastAxis.check(input, violations)) {
      return inputs;
    }
    LastAxis.checkLabels(input, labels, violations);
    List<Long> shape = input.shape().subList(0, input.shape().size() - 1);
    DataType type = labels == null ? DataType.INT64 : DataType.BYTES;
    return Tensors.put(inputs, TensorSpec::name, Tensors.spec(output, type, shape));
  }
}
