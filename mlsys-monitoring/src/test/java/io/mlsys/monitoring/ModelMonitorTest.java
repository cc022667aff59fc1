package io.mlsys.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The windows, rates, repeats, classes and drift methods of one monitor, on a manual clock. */
class ModelMonitorTest {
  private final ManualClock clock = ManualClock.startingAt("2026-01-01T00:00:00Z");
  private final Random random = new Random(42);

  private static Baseline normalBaseline(Random random, int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextGaussian();
    }
    return new Baseline(List.of(Baseline.numeric("x", values, Baseline.DEFAULT_BINS)), "test");
  }

  private ModelMonitor monitor(Baseline baseline) {
    return new ModelMonitor("m", "1", MonitoringConfig.defaults(), baseline, null, clock.instant());
  }

  private void call(ModelMonitor monitor, double x, long label, Duration latency, boolean fail) {
    Instant start = clock.instant();
    clock.advance(latency);
    InferRequest request = InferRequest.of(Tensor.ofDoubles("x", new long[] {1, 1}, x));
    InferResponse response =
        fail
            ? null
            : new InferResponse(
                "m",
                "1",
                null,
                List.of(
                    Tensor.ofLongs("label", new long[] {1}, label),
                    Tensor.ofFloats("probabilities", new long[] {1, 2}, 0.8f, 0.2f)),
                Map.of());
    monitor.observe(new Observation(start, clock.instant(), request, response));
  }

  @Test
  void aSmallShiftedSampleIsJudgedByKsAndALargeOneByWasserstein() {
    Baseline baseline = normalBaseline(random, 20_000);
    ModelMonitor small = monitor(baseline);
    for (int i = 0; i < 300; i++) {
      call(small, random.nextGaussian() + 0.5, 0, Duration.ofMillis(1), false);
    }
    MonitorState.FeatureDrift smallDrift = small.state(clock.instant()).features().get(0);
    assertThat(smallDrift.method()).isEqualTo("ks");
    assertThat(smallDrift.ksPValue()).isLessThan(0.05);
    assertThat(smallDrift.drifted()).isTrue();

    ModelMonitor large = monitor(baseline);
    for (int i = 0; i < 5000; i++) {
      call(large, random.nextGaussian() + 0.5, 0, Duration.ofMillis(1), false);
    }
    MonitorState.FeatureDrift largeDrift = large.state(clock.instant()).features().get(0);
    assertThat(largeDrift.method()).isEqualTo("wasserstein");
    // A shift of half a standard deviation: normed Wasserstein close to 0.5.
    assertThat(largeDrift.scores().get("wasserstein")).isBetween(0.4, 0.6);
    assertThat(largeDrift.drifted()).isTrue();
  }

  @Test
  void aTinyShiftOnALargeSampleIsSignificantForKsButNotFlagged() {
    // The known complaint about p-value tests: 50k values make a 0.05 sd shift "significant".
    Baseline baseline = normalBaseline(random, 50_000);
    ModelMonitor monitor = monitor(baseline);
    for (int i = 0; i < 50_000; i++) {
      call(monitor, random.nextGaussian() + 0.05, 0, Duration.ofNanos(1000), false);
    }
    MonitorState.FeatureDrift drift = monitor.state(clock.instant()).features().get(0);
    assertThat(drift.ksPValue()).isLessThan(0.05);
    assertThat(drift.method()).isEqualTo("wasserstein");
    assertThat(drift.scores().get("wasserstein")).isLessThan(0.1);
    assertThat(drift.drifted()).isFalse();
  }

  @Test
  void theSameDistributionIsNotFlaggedAtAnySize() {
    Baseline baseline = normalBaseline(random, 20_000);
    for (int n : new int[] {200, 2000, 20_000}) {
      ModelMonitor monitor = monitor(baseline);
      for (int i = 0; i < n; i++) {
        call(monitor, random.nextGaussian(), 0, Duration.ofNanos(100), false);
      }
      MonitorState.FeatureDrift drift = monitor.state(clock.instant()).features().get(0);
      assertThat(drift.drifted()).as("n=%d %s", n, drift.scores()).isFalse();
      assertThat(drift.scores().get("psi")).isLessThan(0.1);
    }
  }

  @Test
  void categoricalFeaturesUseJensenShannon() {
    Baseline baseline =
        new Baseline(
            List.of(Baseline.categorical("color", Map.of("red", 500L, "blue", 500L))), "test");
    ModelMonitor monitor = monitor(baseline);
    for (int i = 0; i < 200; i++) {
      String color = i % 10 == 0 ? "blue" : i % 10 == 1 ? "green" : "red";
      Instant start = clock.instant();
      monitor.observe(
          new Observation(
              start,
              start,
              InferRequest.of(Tensor.ofStrings("color", new long[] {1, 1}, color)),
              null));
    }
    MonitorState.FeatureDrift drift = monitor.state(clock.instant()).features().get(0);
    assertThat(drift.kind()).isEqualTo("categorical");
    assertThat(drift.method()).isEqualTo("jensen_shannon");
    assertThat(drift.scores().get("jensen_shannon")).isGreaterThan(0.3);
    assertThat(drift.drifted()).isTrue();
    assertThat(drift.binEdges()).containsExactly("blue", "red", "other");
  }

  @Test
  void ratesErrorsLatencyAndClassesOverTheSlidingWindow() {
    ModelMonitor monitor = monitor(null);
    // Eight quiet minutes at 10 calls each, then a minute of 100.
    for (int minute = 0; minute < 8; minute++) {
      for (int i = 0; i < 10; i++) {
        call(monitor, 0, 1, Duration.ofMillis(5), false);
      }
      clock.advance(Duration.ofMinutes(1).minusMillis(50));
    }
    for (int i = 0; i < 100; i++) {
      call(monitor, 0, i % 2, Duration.ofMillis(i < 10 ? 500 : 5), i < 20);
    }
    MonitorState state = monitor.state(clock.instant());
    assertThat(state.history()).hasSize(8);
    assertThat(state.current().baselineRate()).isCloseTo(10 / 60.0, within(1e-9));
    // The sliding view (5 windows): four quiet ones and the busy one.
    assertThat(state.current().calls()).isEqualTo(140);
    assertThat(state.current().requestRateRatio()).isGreaterThan(3);
    assertThat(state.current().errors()).isEqualTo(20);
    assertThat(state.current().sloViolationRatio()).isCloseTo(10 / 140.0, within(1e-9));
    assertThat(state.current().latencyP99Seconds()).isBetween(0.5, 0.7);
    // 80 answered calls in the busy minute, 40 in the quiet ones, label 1 in all quiet ones.
    assertThat(state.current().classShares().get("0")).isCloseTo(40 / 120.0, within(1e-9));
    assertThat(state.current().classShift()).isGreaterThan(0.3);
    assertThat(state.current().scoreMean()).isCloseTo(0.8, within(1e-6));
  }

  @Test
  void repeatedInputsAreCountedPerWindow() {
    ModelMonitor monitor = monitor(null);
    for (int i = 0; i < 50; i++) {
      call(monitor, 7.0, 0, Duration.ofMillis(1), false);
    }
    for (int i = 0; i < 50; i++) {
      call(monitor, i, 0, Duration.ofMillis(1), false);
    }
    MonitorState state = monitor.state(clock.instant());
    // 7.0 once in the first 50 and once more among 0..49: 49 + 1 repeats.
    assertThat(state.current().repeatedInputRatio()).isCloseTo(50 / 100.0, within(1e-9));
    assertThat(state.current().maxRepeats()).isEqualTo(51);
  }

  @Test
  void alertsWaitForTheirDurationAndResolveOnce() {
    ModelMonitor monitor = monitor(null);
    List<Alert> alerts = new ArrayList<>();
    AlertEvaluator evaluator =
        new AlertEvaluator(
            List.of(
                AlertRule.of(AlertRule.Signal.ERROR_RATIO, 0.5).withFor(Duration.ofSeconds(30))),
            alerts::add);
    call(monitor, 0, 0, Duration.ofMillis(1), true);
    evaluator.evaluate(monitor.state(clock.instant()));
    assertThat(alerts).isEmpty();
    clock.advance(Duration.ofSeconds(31));
    evaluator.evaluate(monitor.state(clock.instant()));
    evaluator.evaluate(monitor.state(clock.instant()));
    assertThat(alerts).extracting(Alert::status).containsExactly(Alert.Status.FIRING);
    for (int i = 0; i < 3; i++) {
      call(monitor, 0, 0, Duration.ofMillis(1), false);
    }
    evaluator.evaluate(monitor.state(clock.instant()));
    assertThat(alerts)
        .extracting(Alert::status)
        .containsExactly(Alert.Status.FIRING, Alert.Status.RESOLVED);
  }

  @Test
  void memoryIsFixedWhateverTheTraffic() {
    ModelMonitor monitor = monitor(normalBaseline(random, 1000));
    long before = monitor.estimatedBytes();
    for (int i = 0; i < 100_000; i++) {
      call(monitor, random.nextGaussian(), i % 7, Duration.ofNanos(10), false);
    }
    assertThat(monitor.estimatedBytes()).isEqualTo(before).isLessThan(300_000);
  }

  @Test
  void invalidOptionsNameTheirKeys() {
    assertThatThrownBy(() -> MonitoringConfig.defaults().withWindow(Duration.ofMillis(10), 0, 5))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("window")
        .hasMessageContaining("sliding-windows");
  }

  private static org.assertj.core.data.Offset<Double> within(double offset) {
    return org.assertj.core.data.Offset.offset(offset);
  }
}
