package io.mlsys.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs typically longer than the threshold leave a virtual thread's carrier for a platform thread
 * and answer the same; calls from platform threads run where they are.
 */
class OffCarrierRunTest {

  @Test
  void aSlowModelCalledFromAVirtualThreadRunsOnAPlatformThreadWithTheSameAnswers()
      throws Exception {
    try (OnnxModel loaded = Iris.load("iris_svc.onnx")) {
      OrtOnnxModel model = (OrtOnnxModel) loaded;
      model.offCarrierAbove(0);
      List<Long> labels = new ArrayList<>();
      Thread.ofVirtual()
          .start(
              () -> {
                for (int row = 0; row < Iris.ROWS.length; row++) {
                  labels.add(
                      model
                          .infer(Iris.request(Iris.row(row)), Iris.CONTEXT)
                          .output(Iris.LABEL)
                          .orElseThrow()
                          .longs()[0]);
                }
              })
          .join();

      assertThat(labels).containsExactly(0L, 2L, 2L, 2L);
      // The first run has no typical length yet; every later one went off the carrier.
      assertThat(model.offCarrierRuns()).isEqualTo(Iris.ROWS.length - 1L);

      model.infer(Iris.request(Iris.row(0)), Iris.CONTEXT);
      assertThat(model.offCarrierRuns())
          .as("a platform thread runs it itself")
          .isEqualTo(Iris.ROWS.length - 1L);
    }
  }
}
