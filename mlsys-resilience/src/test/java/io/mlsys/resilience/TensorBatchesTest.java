package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorBatchesTest {

  @Test
  void everyDatatypeConcatenatesAndSplitsBackToTheSameTensors() {
    List<Tensor> first =
        List.of(
            Tensor.ofBools("bool", new long[] {1}, true),
            new Tensor(
                "u8", DataType.UINT8, new long[] {1, 2}, new TensorData.Bytes(new byte[] {1, 2})),
            new Tensor(
                "f16", DataType.FP16, new long[] {1}, new TensorData.Shorts(new short[] {7})),
            Tensor.ofInts("i32", new long[] {1}, 3),
            Tensor.ofLongs("i64", new long[] {1}, 4),
            Tensor.ofFloats("f32", new long[] {1}, 5),
            Tensor.ofDoubles("f64", new long[] {1}, 6),
            Tensor.ofStrings("bytes", new long[] {1}, "one"));
    List<Tensor> second =
        List.of(
            Tensor.ofBools("bool", new long[] {2}, false, true),
            new Tensor(
                "u8",
                DataType.UINT8,
                new long[] {2, 2},
                new TensorData.Bytes(new byte[] {3, 4, 5, 6})),
            new Tensor(
                "f16", DataType.FP16, new long[] {2}, new TensorData.Shorts(new short[] {8, 9})),
            Tensor.ofInts("i32", new long[] {2}, 30, 31),
            Tensor.ofLongs("i64", new long[] {2}, 40, 41),
            Tensor.ofFloats("f32", new long[] {2}, 50, 51),
            Tensor.ofDoubles("f64", new long[] {2}, 60, 61),
            Tensor.ofStrings("bytes", new long[] {2}, "two", "three"));

    InferRequest joined =
        TensorBatches.concat(
            List.of(
                InferRequest.of(first.toArray(Tensor[]::new)),
                InferRequest.of(second.toArray(Tensor[]::new))),
            3);

    assertThat(joined.input("u8").orElseThrow().shape()).containsExactly(3, 2);
    assertThat(joined.input("bytes").orElseThrow().strings())
        .containsExactly("one", "two", "three");
    assertThat(TensorBatches.split(joined.inputs(), new int[] {1, 2}))
        .contains(List.of(first, second));
  }

  @Test
  void tensorParametersAndRequestFieldsAreKept() {
    Tensor x =
        new Tensor(
            "x",
            DataType.INT64,
            new long[] {1},
            new TensorData.Longs(new long[] {1}),
            Map.of("p", "v"));
    InferRequest request = new InferRequest("id", List.of(x), List.of(), Map.of("q", 1L));

    InferRequest joined = TensorBatches.concat(List.of(request, request), 2);

    assertThat(joined.id()).isNull();
    assertThat(joined.parameters()).containsEntry("q", 1L);
    assertThat(joined.inputs().getFirst().parameters()).containsEntry("p", "v");
  }

  @Test
  void anOutputWhoseFirstDimensionIsNotTheRowsCannotBeSplit() {
    Tensor perRow = Tensor.ofFloats("y", new long[] {3}, 1, 2, 3);
    Tensor summary = Tensor.ofFloats("sum", new long[] {1}, 6);
    Tensor scalar = Tensor.ofFloats("s", new long[] {}, 6);

    assertThat(TensorBatches.split(List.of(perRow), new int[] {1, 2})).isPresent();
    assertThat(TensorBatches.split(List.of(perRow, summary), new int[] {1, 2})).isEmpty();
    assertThat(TensorBatches.split(List.of(scalar), new int[] {1, 2})).isEmpty();
  }
}
