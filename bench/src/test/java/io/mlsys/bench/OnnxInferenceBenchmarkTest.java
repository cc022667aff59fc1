package io.mlsys.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.Fixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The benchmarks measure what they claim: right outputs, right batch size. */
class OnnxInferenceBenchmarkTest {
  private final OnnxInferenceBenchmark benchmark = new OnnxInferenceBenchmark();

  @BeforeEach
  void setUp() {
    Fixtures.require(OnnxInferenceBenchmark.MODEL);
    benchmark.load();
  }

  @AfterEach
  void tearDown() {
    benchmark.close();
  }

  @Test
  void oneRowAllOutputsReturnsLabelAndProbabilities() {
    InferResponse response = benchmark.oneRowAllOutputs();

    assertThat(response.outputs())
        .extracting(Tensor::name)
        .containsExactly("output_label", "output_probability");
    assertThat(response.output("output_label").orElseThrow().longs()).containsExactly(0L);
  }

  @Test
  void oneRowLabelOnlyReturnsOnlyTheLabel() {
    assertThat(benchmark.oneRowLabelOnly().outputs())
        .extracting(Tensor::name)
        .containsExactly("output_label");
  }

  @Test
  void batchAnswersEveryRow() {
    InferResponse response = benchmark.batch64AllOutputs();

    assertThat(response.output("output_label").orElseThrow().shape())
        .containsExactly(OnnxInferenceBenchmark.BATCH_ROWS);
    assertThat(response.output("output_probability").orElseThrow().shape())
        .containsExactly(OnnxInferenceBenchmark.BATCH_ROWS, 3);
  }

  @Test
  void batchLabelOnlyAnswersEveryRowWithOnlyTheLabel() {
    InferResponse response = benchmark.batch64LabelOnly();

    assertThat(response.outputs()).hasSize(1);
    assertThat(response.outputs().get(0).longs()).hasSize(OnnxInferenceBenchmark.BATCH_ROWS);
  }
}
