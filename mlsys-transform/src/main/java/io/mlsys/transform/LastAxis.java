package io.mlsys.transform;

import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Checks shared by steps that reduce the last axis of a tensor of rank >= 2 ({@code argmax}, {@code
 * top-k}): a rank-1 tensor's only axis is the batch, which a step must not mix.
 */
final class LastAxis {
  private LastAxis() {}

  /** The number of columns of a numeric [N, ..., C] tensor with C >= 1. */
  static int columns(Tensor input, StepPath step) {
    Numbers.requireNumeric(input, step);
    long[] shape = input.shape();
    if (shape.length < 2 || shape[shape.length - 1] < 1) {
      throw step.invalid(
          input.name(),
          "shape "
              + Tensors.shapeText(shape)
              + " (expected: [N, C] or [N, ..., C] with at least one column)");
    }
    return (int) shape[shape.length - 1];
  }

  /** The shape without its last dimension. */
  static long[] leading(long[] shape) {
    return Arrays.copyOf(shape, shape.length - 1);
  }

  /** Whether the spec has a last axis to reduce; reports it at {@code tensor} when not. */
  static boolean check(TensorSpec input, BiConsumer<String, String> violations) {
    if (!Numbers.checkNumeric(input, "tensor", violations)) {
      return false;
    }
    if (input.shape().size() < 2 || input.shape().getLast() == 0) {
      violations.accept(
          "tensor",
          "'"
              + input.name()
              + "' has shape "
              + input.shape()
              + " (expected: [N, C] or [N, ..., C] with at least one column)");
      return false;
    }
    return true;
  }

  /** Reports at {@code labels} a labels file with fewer labels than the columns, when known. */
  static void checkLabels(
      TensorSpec input, List<String> labels, BiConsumer<String, String> violations) {
    long columns = input.shape().getLast();
    if (labels != null && columns > labels.size()) {
      violations.accept(
          "labels",
          labels.size()
              + " labels (expected: at least one per column of '"
              + input.name()
              + "', "
              + columns
              + ")");
    }
  }

  /** The label of a column, or an invalid-input error when the labels file is too short. */
  static byte[] label(List<byte[]> labels, int column, long row, String tensor, StepPath step) {
    if (column >= labels.size()) {
      throw step.invalid(
          tensor,
          "row "
              + row
              + ": column "
              + column
              + " has no label (expected: at most "
              + labels.size()
              + " columns, one per label)");
    }
    return labels.get(column);
  }
}
