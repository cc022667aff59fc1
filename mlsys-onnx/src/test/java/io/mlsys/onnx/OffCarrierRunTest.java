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
      int calls = OrtOnnxModel.TIMING_WINDOW + 8;
      List<Long> labels = new ArrayList<>();
      Thread.ofVirtual()
          .start(
              () -> {
                for (int call = 0; call < calls; call++) {
                  int row = call % Iris.ROWS.length;
                  labels.add(
                      model
                          .infer(Iris.request(Iris.row(row)), Iris.CONTEXT)
                          .output(Iris.LABEL)
                          .orElseThrow()
                          .longs()[0]);
                }
              })
          .join();

      for (int call = 0; call < calls; call++) {
        assertThat(labels.get(call)).isEqualTo(Iris.SVC_LABELS[call % Iris.ROWS.length]);
      }
      // The first window's runs have no typical length yet; every later one went off the carrier.
      assertThat(model.offCarrierRuns()).isEqualTo(8);

      model.infer(Iris.request(Iris.row(0)), Iris.CONTEXT);
      assertThat(model.offCarrierRuns()).as("a platform thread runs it itself").isEqualTo(8);
    }
  }

  @Test
  void aFastModelWhoseRunsWaitedForACoreNowAndThenCountsAsFast() throws Exception {
    try (OnnxModel loaded = Iris.load("iris_svc.onnx")) {
      OrtOnnxModel model = (OrtOnnxModel) loaded;
      // A loaded machine: 31 runs of a window measured 5 ms (their thread was descheduled), one
      // measured the model's own 20 us.
      for (int run = 0; run < OrtOnnxModel.TIMING_WINDOW - 1; run++) {
        model.timed(5_000_000);
      }
      assertThat(model.typicalRunNanos()).isEqualTo(-1);
      model.timed(20_000);

      assertThat(model.typicalRunNanos()).isEqualTo(20_000);
      assertThat(model.typicalRunNanos()).isLessThan(OrtOnnxModel.OFF_CARRIER_NANOS);

      for (int run = 0; run < OrtOnnxModel.TIMING_WINDOW; run++) {
        model.timed(3_000_000 + run);
      }
      assertThat(model.typicalRunNanos()).as("a model of milliseconds").isEqualTo(3_000_000);
    }
  }
}
