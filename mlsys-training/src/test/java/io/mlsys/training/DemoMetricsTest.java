package io.mlsys.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.InvalidInputException;
import org.junit.jupiter.api.Test;

class DemoMetricsTest {

  @Test
  void summaryShowsTheNumbers() {
    DemoMetrics metrics = new DemoMetrics(0.9555, 0.9512, 105, 45, 42);

    assertThat(metrics.summary())
        .isEqualTo(
            "accuracy 0.956, macro F1 0.951 on 45 held-out rows (trained on 105 rows, seed 42)");
  }

  @Test
  void rejectsAnAccuracyOutsideZeroToOne() {
    assertThatThrownBy(() -> new DemoMetrics(1.5, 0.5, 1, 1, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("accuracy: 1.5 (expected: between 0 and 1)");
  }

  @Test
  void rejectsEmptyRowCounts() {
    assertThatThrownBy(() -> new DemoMetrics(0.5, 0.5, 1, 0, 0))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("testRows: 0 (expected: >= 1)");
  }
}
