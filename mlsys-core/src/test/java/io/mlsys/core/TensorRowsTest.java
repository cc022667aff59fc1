package io.mlsys.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TensorRowsTest {

  @Test
  void rowSizeIsTheProductOfTheDimensionsAfterTheFirst() {
    assertThat(TensorRows.rowSize(new long[] {3, 4, 5})).isEqualTo(20);
    assertThat(TensorRows.rowSize(new long[] {7})).isEqualTo(1);
    assertThat(TensorRows.rowSize(new long[] {})).isEqualTo(1);
    assertThat(TensorRows.rowSize(new long[] {2, 0})).isZero();
  }

  @ParameterizedTest
  @EnumSource(DataType.Storage.class)
  void allocateGivesDefaultElementsOfTheStorage(DataType.Storage storage) {
    TensorData data = TensorRows.allocate(storage, 3);

    assertThat(data.storage()).isEqualTo(storage);
    assertThat(data.size()).isEqualTo(3);
    if (storage == DataType.Storage.BYTES) {
      assertThat(((TensorData.ByteStrings) data).values()).isEqualTo(new byte[3][]);
    } else {
      assertThat(data)
          .isEqualTo(TestTensors.of("z", typeOf(storage), new long[] {3}, 0, 0, 0).data());
    }
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void copyRowCopiesOneRowToAnother(DataType type) {
    Tensor source = TestTensors.counting("x", type, 2, 3);
    TensorData target = TensorRows.allocate(type.storage(), 6);

    TensorRows.copyRow(source.data(), 1, target, 0, 3);
    TensorRows.copyRow(source.data(), 0, target, 1, 3);

    assertThat(target)
        .isEqualTo(TestTensors.of("x", type, new long[] {2, 3}, 3, 4, 5, 0, 1, 2).data());
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void rowsEqualComparesOneRowOfEach(DataType type) {
    TensorData left = TestTensors.of("a", type, new long[] {2, 2}, 1, 2, 3, 4).data();
    TensorData right = TestTensors.of("b", type, new long[] {2, 2}, 3, 4, 1, 5).data();

    assertThat(TensorRows.rowsEqual(left, 1, right, 0, 2)).isTrue();
    assertThat(TensorRows.rowsEqual(left, 0, right, 1, 2)).isFalse();
  }

  @Test
  void rowsOfDifferentStoragesAreNotEqual() {
    TensorData ints = new TensorData.Ints(new int[] {1});
    TensorData longs = new TensorData.Longs(new long[] {1});

    assertThat(TensorRows.rowsEqual(ints, 0, longs, 0, 1)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void gatherTakesTheRowsInTheGivenOrder(DataType type) {
    Tensor tensor = TestTensors.counting("x", type, 3, 2);

    Tensor gathered = TensorRows.gather(tensor, new int[] {2, 0, 2});

    assertThat(gathered).isEqualTo(TestTensors.of("x", type, new long[] {3, 2}, 4, 5, 0, 1, 4, 5));
  }

  @Test
  void gatherKeepsTheNameAndParameters() {
    Tensor tensor =
        new Tensor(
            "x",
            DataType.INT32,
            new long[] {2},
            new TensorData.Ints(new int[] {1, 2}),
            Map.of("p", "v"));

    Tensor gathered = TensorRows.gather(tensor, new int[] {1});

    assertThat(gathered.name()).isEqualTo("x");
    assertThat(gathered.parameters()).containsEntry("p", "v");
    assertThat(gathered.ints()).containsExactly(2);
  }

  @Test
  void gatherRejectsARowTheTensorDoesNotHave() {
    Tensor tensor = TestTensors.counting("x", DataType.FP32, 2, 2);

    assertThatThrownBy(() -> TensorRows.gather(tensor, new int[] {0, 2}))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void gatherRejectsAScalar() {
    Tensor scalar = TestTensors.counting("s", DataType.FP32);

    assertThatThrownBy(() -> TensorRows.gather(scalar, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("s: shape [] (expected: [N, ...], a tensor with rows)");
  }

  @Test
  void bytesElementsAreSharedNotCopied() {
    Tensor text = Tensor.ofStrings("t", new long[] {2}, "a", "b");

    Tensor gathered = TensorRows.gather(text, new int[] {1});

    assertThat(gathered.byteStrings()[0]).isSameAs(text.byteStrings()[1]);
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void concatAlongTheRowsAppendsEachPart(DataType type) {
    Tensor first = TestTensors.of("x", type, new long[] {1, 2}, 0, 1);
    Tensor second = TestTensors.of("x", type, new long[] {2, 2}, 10, 11, 12, 13);

    Tensor joined = TensorRows.concat(List.of(first, second), 0);

    assertThat(joined)
        .isEqualTo(TestTensors.of("x", type, new long[] {3, 2}, 0, 1, 10, 11, 12, 13));
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void concatAlongAnInnerAxisInterleavesThePartsRowByRow(DataType type) {
    Tensor left = TestTensors.of("a", type, new long[] {2, 1}, 0, 1);
    Tensor right = TestTensors.of("b", type, new long[] {2, 2}, 10, 11, 12, 13);

    Tensor joined = TensorRows.concat(List.of(left, right), 1);

    assertThat(joined)
        .isEqualTo(TestTensors.of("a", type, new long[] {2, 3}, 0, 10, 11, 1, 12, 13));
  }

  @Test
  void concatKeepsTheFirstPartsNameAndParameters() {
    Tensor first =
        new Tensor(
            "x",
            DataType.INT64,
            new long[] {1},
            new TensorData.Longs(new long[] {1}),
            Map.of("p", "v"));
    Tensor second = Tensor.ofLongs("y", new long[] {1}, 2);

    Tensor joined = TensorRows.concat(List.of(first, second), 0);

    assertThat(joined.name()).isEqualTo("x");
    assertThat(joined.parameters()).containsEntry("p", "v");
    assertThat(joined.longs()).containsExactly(1, 2);
  }

  @Test
  void concatRejectsAPartOfAnotherDatatype() {
    Tensor floats = Tensor.ofFloats("x", new long[] {1}, 1);
    Tensor doubles = Tensor.ofDoubles("x", new long[] {1}, 1);

    assertThatThrownBy(() -> TensorRows.concat(List.of(floats, doubles), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parts[1]: FP64 [1] (expected: FP32 [1] but on axis 0)");
  }

  @Test
  void concatRejectsAPartOfAnotherShapeOffTheAxis() {
    Tensor wide = TestTensors.counting("x", DataType.FP32, 1, 3);
    Tensor narrow = TestTensors.counting("x", DataType.FP32, 1, 2);

    assertThatThrownBy(() -> TensorRows.concat(List.of(wide, narrow), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parts[1]: FP32 [1, 2] (expected: FP32 [1, 3] but on axis 0)");
  }

  @Test
  void concatRejectsAnAxisTheTensorsDoNotHave() {
    Tensor x = TestTensors.counting("x", DataType.FP32, 2);

    assertThatThrownBy(() -> TensorRows.concat(List.of(x, x), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("axis: 1 (expected: an axis of x [2])");
  }

  @Test
  void concatRejectsNoParts() {
    assertThatThrownBy(() -> TensorRows.concat(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("parts: [] (expected: at least one tensor)");
  }

  @ParameterizedTest
  @EnumSource(DataType.class)
  void splitCutsConsecutiveRows(DataType type) {
    Tensor tensor = TestTensors.counting("x", type, 3, 2);

    List<Tensor> parts = TensorRows.split(tensor, new int[] {1, 0, 2});

    assertThat(parts)
        .containsExactly(
            TestTensors.of("x", type, new long[] {1, 2}, 0, 1),
            TestTensors.of("x", type, new long[] {0, 2}),
            TestTensors.of("x", type, new long[] {2, 2}, 2, 3, 4, 5));
  }

  @Test
  void splitUndoesConcatAlongTheRows() {
    Tensor tensor =
        new Tensor(
            "x",
            DataType.FP32,
            new long[] {3, 2},
            new TensorData.Floats(new float[] {1, 2, 3, 4, 5, 6}),
            Map.of("p", "v"));

    List<Tensor> parts = TensorRows.split(tensor, new int[] {2, 1});

    assertThat(TensorRows.concat(parts, 0)).isEqualTo(tensor);
  }

  @Test
  void splitRejectsCountsThatDoNotAddUpToTheRows() {
    Tensor tensor = TestTensors.counting("x", DataType.INT32, 3);

    assertThatThrownBy(() -> TensorRows.split(tensor, new int[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows: [1, 1] (expected: counts adding up to the 3 rows of x)");
  }

  @Test
  void splitRejectsANegativeCount() {
    Tensor tensor = TestTensors.counting("x", DataType.INT32, 3);

    assertThatThrownBy(() -> TensorRows.split(tensor, new int[] {4, -1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rows: [4, -1] (expected: counts >= 0)");
  }

  @Test
  void splitRejectsAScalar() {
    Tensor scalar = TestTensors.counting("s", DataType.INT32);

    assertThatThrownBy(() -> TensorRows.split(scalar, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("s: shape []");
  }

  private static DataType typeOf(DataType.Storage storage) {
    return Arrays.stream(DataType.values())
        .filter(type -> type.storage() == storage)
        .findFirst()
        .orElseThrow();
  }
}
