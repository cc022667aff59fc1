package io.mlsys.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.DataType;
import io.mlsys.core.InferRequest;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchKeyTest {

  @Test
  void requestsThatDifferOnlyInRowsShareAKey() {
    InferRequest one = request(Tensor.ofFloats("x", new long[] {1, 2}, 1, 2));
    InferRequest three = request(Tensor.ofFloats("x", new long[] {3, 2}, 1, 2, 3, 4, 5, 6));

    assertThat(BatchKey.of(one))
        .isEqualTo(BatchKey.of(three))
        .hasSameHashCodeAs(BatchKey.of(three));
  }

  @Test
  void anyOtherDifferenceGivesAnotherKey() {
    Tensor x = Tensor.ofFloats("x", new long[] {1, 2}, 1, 2);
    BatchKey base = BatchKey.of(request(x));

    assertThat(BatchKey.of(request(x.withName("z")))).isNotEqualTo(base);
    assertThat(BatchKey.of(request(Tensor.ofFloats("x", new long[] {1, 1, 2}, 1, 2))))
        .isNotEqualTo(base);
    assertThat(
            BatchKey.of(
                request(
                    new Tensor(
                        "x",
                        DataType.FP64,
                        new long[] {1, 2},
                        new TensorData.Doubles(new double[2])))))
        .isNotEqualTo(base);
    assertThat(
            BatchKey.of(
                request(new Tensor("x", DataType.FP32, x.shape(), x.data(), Map.of("p", 1L)))))
        .isNotEqualTo(base);
    assertThat(
            BatchKey.of(
                new InferRequest(null, List.of(x), List.of(RequestedOutput.named("y")), Map.of())))
        .isNotEqualTo(base);
    assertThat(BatchKey.of(new InferRequest(null, List.of(x), List.of(), Map.of("p", true))))
        .isNotEqualTo(base);
  }

  @Test
  void rowsAreTheFirstDimensionEveryInputShares() {
    Tensor a = Tensor.ofFloats("a", new long[] {2, 1}, 1, 2);
    Tensor b = Tensor.ofLongs("b", new long[] {2}, 1, 2);
    Tensor c = Tensor.ofLongs("c", new long[] {1}, 1);
    Tensor scalar = Tensor.ofLongs("s", new long[] {}, 1);

    assertThat(BatchKey.rows(request(a, b))).isEqualTo(2);
    assertThat(BatchKey.rows(request(a, c))).isEqualTo(-1);
    assertThat(BatchKey.rows(request(scalar))).isEqualTo(-1);
    assertThat(BatchKey.rows(request())).isEqualTo(-1);
  }

  private static InferRequest request(Tensor... inputs) {
    return InferRequest.of(inputs);
  }
}
