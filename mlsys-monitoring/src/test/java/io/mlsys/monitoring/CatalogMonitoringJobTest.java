package io.mlsys.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.onnx.OnnxModel;
import io.mlsys.onnx.OnnxModelOptions;
import io.mlsys.testing.ManualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog sample's monitoring job on rand_iris.csv: it alarms when a feature's mean moved by
 * more than 5% from the training mean or more than 20% of the rows are outliers (a one-class SVM).
 * Reproduced from the monitor's state, then set against what the distribution tests add: a change
 * of shape that keeps every mean is invisible to the job and caught by KS / Wasserstein.
 */
class CatalogMonitoringJobTest {
  @TempDir Path dir;

  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");

  private MonitorState monitor(UnaryOperator<float[]> change) throws IOException {
    MonitoringConfig config =
        MonitoringConfig.defaults()
            .withBaseline(RandIris.baselineCsv(dir))
            .withOutlierModel(RandIris.fixture("iris_ocs.onnx"), "label");
    try (OutlierDetector outliers =
            OnnxOutlierDetector.load(RandIris.fixture("iris_ocs.onnx"), "label", clock);
        OnnxModel model =
            OnnxModel.load(
                RandIris.fixture("iris_svc.onnx"), OnnxModelOptions.defaults("iris", "1"))) {
      ModelMonitor monitor =
          new ModelMonitor(
              "iris",
              "1",
              config,
              Baseline.fromCsv(config.baseline(), config.bins()),
              outliers,
              clock.instant());
      List<float[]> traffic = RandIris.traffic(change);
      CallContext context = CallContext.of(clock);
      for (int i = 0; i < traffic.size(); i += 10) {
        InferRequest request = RandIris.request(traffic.subList(i, i + 10));
        var start = clock.instant();
        clock.advance(Duration.ofMillis(2));
        InferResponse response = model.infer(request, context);
        monitor.observe(new Observation(start, clock.instant(), request, response));
      }
      return monitor.state(clock.instant());
    }
  }

  /** The job's rule: a mean moved by more than 5%, or more than 20% outliers. */
  private static boolean catalogJobAlarms(MonitorState state) {
    boolean meanMoved = state.features().stream().anyMatch(f -> Math.abs(f.meanShift()) > 0.05);
    return meanMoved || state.current().outlierRatio() > 0.2;
  }

  private static boolean meanMoved(MonitorState state) {
    return state.features().stream().anyMatch(f -> Math.abs(f.meanShift()) > 0.05);
  }

  private static MonitorState.FeatureDrift feature(MonitorState state, String name) {
    return state.features().stream()
        .filter(f -> f.feature().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Outliers per row by the one-class SVM called directly, row by row. */
  private double outlierShareByTheModelItself() throws IOException {
    try (OnnxModel ocs =
        OnnxModel.load(RandIris.fixture("iris_ocs.onnx"), OnnxModelOptions.defaults("ocs", "1"))) {
      List<float[]> traffic = RandIris.traffic(row -> row);
      int outliers = 0;
      for (float[] row : traffic) {
        InferResponse response = ocs.infer(RandIris.request(List.of(row)), CallContext.of(clock));
        if (response.output("label").orElseThrow().doubleAt(0) < 0) {
          outliers++;
        }
      }
      return (double) outliers / traffic.size();
    }
  }

  @Test
  void unchangedTrafficAlarmsTheJobOnOutliersOnlyAndDriftsNowhere() throws IOException {
    MonitorState state = monitor(row -> row);

    assertThat(state.current().calls()).isEqualTo(600);
    assertThat(state.current().outliersChecked()).isEqualTo(6000);
    // rand_iris is built with outliers: the sample's job alarms on them, and so does the monitor's
    // default outlier-ratio rule.
    assertThat(state.current().outlierRatio())
        .isCloseTo(outlierShareByTheModelItself(), org.assertj.core.data.Offset.offset(1e-9))
        .isGreaterThan(0.2);
    assertThat(catalogJobAlarms(state)).isTrue();
    List<Alert> firing = new AlertEvaluator(AlertRule.defaultRules(), alert -> {}).evaluate(state);
    assertThat(firing).extracting(Alert::rule).containsExactly("outlier-ratio");
    // No mean moved, and with 6000 values per feature the normed Wasserstein distance decides:
    // nothing drifted.
    assertThat(state.features())
        .allSatisfy(
            f -> {
              assertThat(f.method()).isEqualTo("wasserstein");
              assertThat(f.drifted()).as(f.feature()).isFalse();
              assertThat(Math.abs(f.meanShift())).isLessThan(0.05);
            });
    assertThat(state.current().classShares()).containsOnlyKeys("0", "1", "2");
  }

  @Test
  void aMeanMovedByTenPercentAlarmsBoth() throws IOException {
    MonitorState state =
        monitor(
            row -> {
              row[2] *= 1.10f;
              return row;
            });

    assertThat(feature(state, "petal_length").meanShift()).isGreaterThan(0.05);
    assertThat(meanMoved(state)).isTrue();
    assertThat(feature(state, "petal_length").drifted()).isTrue();
    assertThat(feature(state, "sepal_length").drifted()).isFalse();
  }

  @Test
  void aChangeOfShapeThatKeepsTheMeanIsCaughtOnlyByTheDistributionTests() throws IOException {
    // Petal length mirrored around its mean: the mean stays, the (two-humped, skewed)
    // distribution flips.
    double mean = 3.75;
    MonitorState state =
        monitor(
            row -> {
              row[2] = (float) (2 * mean - row[2]);
              return row;
            });

    MonitorState.FeatureDrift petal = feature(state, "petal_length");
    assertThat(Math.abs(petal.meanShift())).isLessThan(0.05);
    assertThat(state.features())
        .allSatisfy(f -> assertThat(Math.abs(f.meanShift())).isLessThan(0.05));
    assertThat(petal.drifted()).isTrue();
    assertThat(petal.scores().get("wasserstein")).isGreaterThan(0.1);
    assertThat(petal.scores().get("ks")).isGreaterThan(0.1);
    assertThat(petal.scores().get("psi")).isGreaterThan(0.2);
  }
}
