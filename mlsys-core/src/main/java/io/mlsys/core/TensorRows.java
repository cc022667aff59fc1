package io.mlsys.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Row operations over tensors of every datatype, dimension 0 being the rows (the batch): gathering,
 * concatenating and splitting rows, and copying or comparing single rows. Elements are moved with
 * {@link System#arraycopy} between primitive arrays; BYTES elements (byte arrays) are shared, not
 * copied, since tensor data is never mutated.
 */
public final class TensorRows {
  private TensorRows() {}

  /**
   * Elements per row: the product of every dimension after the first (1 for {@code [N]} or a
   * scalar). Only meaningful when it fits an int, which it always does for a tensor with rows.
   */
  public static int rowSize(long[] shape) {
    long size = 1;
    for (int i = 1; i < shape.length; i++) {
      size *= shape[i];
    }
    return (int) size;
  }

  /** New data of {@code size} elements for the storage: zeros, false, or null byte strings. */
  public static TensorData allocate(DataType.Storage storage, int size) {
    return switch (storage) {
      case BOOLEAN -> new TensorData.Bools(new boolean[size]);
      case BYTE -> new TensorData.Bytes(new byte[size]);
      case SHORT -> new TensorData.Shorts(new short[size]);
      case INT -> new TensorData.Ints(new int[size]);
      case LONG -> new TensorData.Longs(new long[size]);
      case FLOAT -> new TensorData.Floats(new float[size]);
      case DOUBLE -> new TensorData.Doubles(new double[size]);
      case BYTES -> new TensorData.ByteStrings(new byte[size][]);
    };
  }

  /**
   * Copies row {@code from} of {@code source} over row {@code to} of {@code target}, which must
   * have the same storage (the arrays of new data are the caller's to fill).
   *
   * @param rowSize elements per row, as {@link #rowSize} gives it
   */
  public static void copyRow(TensorData source, int from, TensorData target, int to, int rowSize) {
    System.arraycopy(array(source), from * rowSize, array(target), to * rowSize, rowSize);
  }

  /**
   * Whether row {@code a} of {@code left} and row {@code b} of {@code right} hold equal elements
   * (bit patterns for floats, contents for byte strings); false when the storages differ.
   */
  public static boolean rowsEqual(TensorData left, int a, TensorData right, int b, int rowSize) {
    int from = a * rowSize;
    int to = from + rowSize;
    int other = b * rowSize;
    int otherTo = other + rowSize;
    return switch (left) {
      case TensorData.Bools l ->
          right instanceof TensorData.Bools r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Bytes l ->
          right instanceof TensorData.Bytes r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Shorts l ->
          right instanceof TensorData.Shorts r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Ints l ->
          right instanceof TensorData.Ints r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Longs l ->
          right instanceof TensorData.Longs r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Floats l ->
          right instanceof TensorData.Floats r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.Doubles l ->
          right instanceof TensorData.Doubles r
              && Arrays.equals(l.values(), from, to, r.values(), other, otherTo);
      case TensorData.ByteStrings l ->
          right instanceof TensorData.ByteStrings r
              && byteStringsEqual(l.values(), from, r.values(), other, rowSize);
    };
  }

  private static boolean byteStringsEqual(
      byte[][] left, int from, byte[][] right, int other, int count) {
    for (int i = 0; i < count; i++) {
      if (!Arrays.equals(left[from + i], right[other + i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The given rows of a tensor, in that order (a row may repeat), as a new tensor with the same
   * name, datatype and parameters.
   *
   * @throws IllegalArgumentException when the tensor is a scalar
   * @throws IndexOutOfBoundsException when a row is not one of the tensor's
   */
  public static Tensor gather(Tensor tensor, int[] rows) {
    long[] shape = requireRows(tensor);
    for (int row : rows) {
      Objects.checkIndex(row, shape[0]);
    }
    int rowSize = rowSize(shape);
    TensorData target = allocate(tensor.datatype().storage(), rows.length * rowSize);
    for (int i = 0; i < rows.length; i++) {
      copyRow(tensor.data(), rows[i], target, i, rowSize);
    }
    long[] gathered = shape.clone();
    gathered[0] = rows.length;
    return new Tensor(tensor.name(), tensor.datatype(), gathered, target, tensor.parameters());
  }

  /**
   * The tensors joined along {@code axis}, in order: their shapes must be equal but on that axis.
   * The result has the first tensor's name and parameters. Along axis 0 (the rows) each part is one
   * copy.
   *
   * @throws IllegalArgumentException when there are no parts, the axis is not one of the first
   *     part's, or a part differs in datatype or in shape off the axis
   * @throws InvalidInputException when the joined tensor would have 2^31 elements or more
   */
  public static Tensor concat(List<Tensor> parts, int axis) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("parts: [] (expected: at least one tensor)");
    }
    Tensor first = parts.getFirst();
    int rank = first.shape().length;
    if (axis < 0 || axis >= rank) {
      throw new IllegalArgumentException(
          "axis: "
              + axis
              + " (expected: an axis of "
              + first.name()
              + " "
              + Arrays.toString(first.shape())
              + ")");
    }
    long joined = 0;
    for (int p = 0; p < parts.size(); p++) {
      Tensor part = parts.get(p);
      if (part.datatype() != first.datatype() || !sameButAxis(part.shape(), first.shape(), axis)) {
        throw new IllegalArgumentException(
            "parts["
                + p
                + "]: "
                + part.datatype()
                + " "
                + Arrays.toString(part.shape())
                + " (expected: "
                + first.datatype()
                + " "
                + Arrays.toString(first.shape())
                + " but on axis "
                + axis
                + ")");
      }
      joined += part.shape()[axis];
    }
    long[] shape = first.shape().clone();
    shape[axis] = joined;
    int total = (int) Tensor.elementCount(shape);
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= shape[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < rank; i++) {
      inner *= shape[i];
    }
    TensorData data = allocate(first.datatype().storage(), total);
    Object target = array(data);
    int position = 0;
    for (long o = 0; o < outer; o++) {
      for (Tensor part : parts) {
        int chunk = (int) (part.shape()[axis] * inner);
        System.arraycopy(array(part.data()), (int) (o * chunk), target, position, chunk);
        position += chunk;
      }
    }
    return new Tensor(first.name(), first.datatype(), shape, data, first.parameters());
  }

  private static boolean sameButAxis(long[] shape, long[] reference, int axis) {
    if (shape.length != reference.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (i != axis && shape[i] != reference[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The tensor cut into consecutive parts of {@code rows[p]} rows each, every part with the same
   * name, datatype and parameters; the inverse of {@link #concat} along axis 0.
   *
   * @throws IllegalArgumentException when the tensor is a scalar, a count is negative, or the
   *     counts do not add up to the tensor's rows
   */
  public static List<Tensor> split(Tensor tensor, int[] rows) {
    long[] shape = requireRows(tensor);
    long total = 0;
    for (int count : rows) {
      if (count < 0) {
        throw new IllegalArgumentException(
            "rows: " + Arrays.toString(rows) + " (expected: counts >= 0)");
      }
      total += count;
    }
    if (total != shape[0]) {
      throw new IllegalArgumentException(
          "rows: "
              + Arrays.toString(rows)
              + " (expected: counts adding up to the "
              + shape[0]
              + " rows of "
              + tensor.name()
              + ")");
    }
    int rowSize = rowSize(shape);
    Object whole = array(tensor.data());
    List<Tensor> parts = new ArrayList<>(rows.length);
    int offset = 0;
    for (int count : rows) {
      int length = count * rowSize;
      TensorData slice = allocate(tensor.datatype().storage(), length);
      System.arraycopy(whole, offset, array(slice), 0, length);
      offset += length;
      long[] partShape = shape.clone();
      partShape[0] = count;
      parts.add(
          new Tensor(tensor.name(), tensor.datatype(), partShape, slice, tensor.parameters()));
    }
    return parts;
  }

  private static long[] requireRows(Tensor tensor) {
    if (tensor.shape().length == 0) {
      throw new IllegalArgumentException(
          tensor.name() + ": shape [] (expected: [N, ...], a tensor with rows)");
    }
    return tensor.shape();
  }

  /** The primitive array behind the data (not copied), for {@link System#arraycopy}. */
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
}
