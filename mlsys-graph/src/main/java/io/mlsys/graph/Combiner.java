package io.mlsys.graph;

import io.mlsys.core.DataType;
import io.mlsys.core.InferResponse;
import io.mlsys.core.ModelExecutionException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import io.mlsys.core.TensorRows;
import io.mlsys.core.UpstreamFailureException;
import io.mlsys.graph.EnsembleNode.Branch;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How an ensemble combines its branches' answers. The combining kinds take every answer (null where
 * a branch was left out) in branch order.
 */
sealed interface Combiner {

  /** The combiner's key in config, for the graph's description. */
  String name();

  /** Every branch's outputs, renamed {@code BRANCH.TENSOR}. */
  record All() implements Combiner {
    @Override
    public String name() {
      return "all";
    }

    List<Tensor> combine(Branch[] branches, InferResponse[] answers) {
      List<Tensor> outputs = new ArrayList<>();
      for (int i = 0; i < branches.length; i++) {
        if (answers[i] != null) {
          for (Tensor tensor : answers[i].outputs()) {
            outputs.add(tensor.withName(branches[i].name() + "." + tensor.name()));
          }
        }
      }
      return outputs;
    }
  }

  /** The first branch to answer; the node races its branches. */
  record First() implements Combiner {
    @Override
    public String name() {
      return "first";
    }
  }

  /**
   * The element-wise mean of {@code output}, weighted by each branch's {@code weight} (renormalized
   * over the branches that answered) when {@code weighted}. FP64 when any answer is FP64, else
   * FP32.
   */
  record Mean(String output, boolean weighted) implements Combiner {
    @Override
    public String name() {
      return weighted ? "weighted-mean" : "mean";
    }

    List<Tensor> combine(
        Branch[] branches, InferResponse[] answers, ParameterState state, Place place) {
      Tensor first = null;
      double[] sums = null;
      double weights = 0;
      boolean fp64 = false;
      for (int i = 0; i < branches.length; i++) {
        if (answers[i] == null) {
          continue;
        }
        Tensor tensor = numericOutput(output, branches[i], answers[i], place);
        if (first == null) {
          first = tensor;
          sums = new double[tensor.data().size()];
        } else {
          sameShape(first, tensor, false, branches[i], place);
        }
        double weight = weighted ? state.number(branches[i].weightSlot()) : 1;
        if (weight == 0) {
          continue;
        }
        for (int k = 0; k < sums.length; k++) {
          sums[k] += weight * tensor.doubleAt(k);
        }
        weights += weight;
        fp64 |= tensor.datatype() == DataType.FP64;
      }
      if (first == null || weights == 0) {
        throw new UpstreamFailureException(
            place.path(), "no branch with a weight > 0 answered (expected: at least one)", null);
      }
      TensorData data;
      if (fp64) {
        double[] values = new double[sums.length];
        for (int k = 0; k < values.length; k++) {
          values[k] = sums[k] / weights;
        }
        data = new TensorData.Doubles(values);
      } else {
        float[] values = new float[sums.length];
        for (int k = 0; k < values.length; k++) {
          values[k] = (float) (sums[k] / weights);
        }
        data = new TensorData.Floats(values);
      }
      return List.of(
          new Tensor(output, fp64 ? DataType.FP64 : DataType.FP32, first.shape().clone(), data));
    }
  }

  /** Per row, the value of {@code output} most branches gave; ties go to the earliest branch. */
  record Vote(String output) implements Combiner {
    @Override
    public String name() {
      return "vote";
    }

    List<Tensor> combine(Branch[] branches, InferResponse[] answers, Place place) {
      Tensor[] tensors = new Tensor[branches.length];
      Tensor first = null;
      for (int i = 0; i < branches.length; i++) {
        if (answers[i] != null) {
          tensors[i] = find(output, branches[i], answers[i], place);
          if (first == null) {
            first = tensors[i];
          } else {
            sameShape(first, tensors[i], true, branches[i], place);
          }
        }
      }
      int rows = (int) first.batchSize();
      int rowSize = first.shape().length == 0 ? 1 : TensorRows.rowSize(first.shape());
      TensorData result = TensorRows.allocate(first.datatype().storage(), first.data().size());
      for (int row = 0; row < rows; row++) {
        int winner = -1;
        int most = 0;
        for (int i = 0; i < tensors.length; i++) {
          if (tensors[i] == null) {
            continue;
          }
          int votes = 0;
          for (Tensor other : tensors) {
            if (other != null
                && TensorRows.rowsEqual(tensors[i].data(), row, other.data(), row, rowSize)) {
              votes++;
            }
          }
          if (votes > most) {
            winner = i;
            most = votes;
          }
        }
        TensorRows.copyRow(tensors[winner].data(), row, result, row, rowSize);
      }
      return List.of(new Tensor(output, first.datatype(), first.shape().clone(), result));
    }
  }

  /**
   * Per row, the branch whose {@code output[row][column]} is highest (ties: the earliest): FP32 [N]
   * {@code scoreOutput} with that value and BYTES [N] {@code labelOutput} with the branch name.
   */
  record Max(String output, int column, String scoreOutput, String labelOutput)
      implements Combiner {
    @Override
    public String name() {
      return "max";
    }

    List<Tensor> combine(Branch[] branches, InferResponse[] answers, Place place) {
      int rows = -1;
      float[] scores = null;
      byte[][] labels = null;
      for (int i = 0; i < branches.length; i++) {
        if (answers[i] == null) {
          continue;
        }
        Tensor tensor = numericOutput(output, branches[i], answers[i], place);
        long[] shape = tensor.shape();
        int rowSize = TensorRows.rowSize(shape);
        if (shape.length == 0 || column >= rowSize) {
          throw new ModelExecutionException(
              place.graph(),
              place.path()
                  + ": branch '"
                  + branches[i].name()
                  + "' answered "
                  + output
                  + " of shape "
                  + Arrays.toString(shape)
                  + " (expected: [N] or [N, C] with column "
                  + column
                  + " < C)",
              null);
        }
        if (rows < 0) {
          rows = (int) shape[0];
          scores = new float[rows];
          labels = new byte[rows][];
        } else if (shape[0] != rows) {
          throw new ModelExecutionException(
              place.graph(),
              place.path()
                  + ": branch '"
                  + branches[i].name()
                  + "' answered "
                  + shape[0]
                  + " rows of "
                  + output
                  + " (expected: "
                  + rows
                  + " like the branches before it)",
              null);
        }
        for (int row = 0; row < rows; row++) {
          double value = tensor.doubleAt(row * rowSize + column);
          if (labels[row] == null || value > scores[row]) {
            scores[row] = (float) value;
            labels[row] = branches[i].label();
          }
        }
      }
      return List.of(
          Tensor.ofFloats(scoreOutput, new long[] {rows}, scores),
          Tensor.ofByteStrings(labelOutput, new long[] {labels.length}, labels));
    }
  }

  private static Tensor find(String name, Branch branch, InferResponse answer, Place place) {
    for (Tensor tensor : answer.outputs()) {
      if (tensor.name().equals(name)) {
        return tensor;
      }
    }
    throw new ModelExecutionException(
        place.graph(),
        place.path()
            + ": branch '"
            + branch.name()
            + "' answered no '"
            + name
            + "' (expected: one of "
            + answer.outputs().stream().map(Tensor::name).toList()
            + ")",
        null);
  }

  private static Tensor numericOutput(
      String name, Branch branch, InferResponse answer, Place place) {
    Tensor tensor = find(name, branch, answer, place);
    if (!tensor.datatype().isNumeric()) {
      throw new ModelExecutionException(
          place.graph(),
          place.path()
              + ": branch '"
              + branch.name()
              + "' answered "
              + name
              + " as "
              + tensor.datatype()
              + " (expected: a numeric datatype)",
          null);
    }
    return tensor;
  }

  private static void sameShape(
      Tensor first, Tensor other, boolean sameType, Branch branch, Place place) {
    if (!Arrays.equals(first.shape(), other.shape())
        || (sameType && first.datatype() != other.datatype())) {
      throw new ModelExecutionException(
          place.graph(),
          place.path()
              + ": branch '"
              + branch.name()
              + "' answered "
              + other.name()
              + " as "
              + other.datatype()
              + " "
              + Arrays.toString(other.shape())
              + " (expected: "
              + first.datatype()
              + " "
              + Arrays.toString(first.shape())
              + " like the branches before it)",
          null);
    }
  }
}
