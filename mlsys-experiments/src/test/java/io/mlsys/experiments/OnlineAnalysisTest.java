package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The online analysis on simulated traffic with a known answer: units with 1 to 4 calls each and a
 * conversion propensity of their own (so a unit's calls are correlated, as real users' are),
 * feedback sent only for the calls that convert.
 */
class OnlineAnalysisTest {
  private static final List<String> ARMS = List.of("a", "b");

  /**
   * Traffic of {@code units} units split 50/50; a unit of arm {@code i} converts each call with
   * {@code rates[i] * h}, {@code h} uniform in [0, 2) per unit.
   */
  static OnlineAnalysis.Input traffic(
      long seed, int units, double[] rates, SplitOptions.Decision decision) {
    SplittableRandom random = new SplittableRandom(seed);
    List<ExperimentStore.ExposureRow> exposures = new ArrayList<>();
    Map<String, JsonNode> feedback = new HashMap<>();
    long time = 1_000_000;
    for (int u = 0; u < units; u++) {
      int arm = random.nextInt(2);
      double rate = rates[arm] * 2 * random.nextDouble();
      int calls = 1 + random.nextInt(4);
      for (int c = 0; c < calls; c++) {
        String request = "r" + u + "-" + c;
        exposures.add(
            new ExperimentStore.ExposureRow(
                ARMS.get(arm), "user-" + u, request, time++, 1000, null, null));
        if (random.nextDouble() < rate) {
          feedback.put(request, IntNode.valueOf(1));
        }
      }
    }
    return new OnlineAnalysis.Input(
        ARMS, SplitOptions.Metric.DEFAULTS, decision, null, exposures, feedback, false);
  }

  private static SplitOptions.Decision decision(Long maxUnits) {
    return new SplitOptions.Decision(0.05, null, null, 0.02, maxUnits, null);
  }

  @Test
  void aPlantedEffectIsDetectedAndTheBetterArmWins() {
    int detected = 0;
    for (int sim = 0; sim < 20; sim++) {
      OnlineAnalysis.Result result =
          OnlineAnalysis.analyse(
              traffic(1000 + sim, 20_000, new double[] {0.05, 0.065}, decision(null)));
      if (result.verdict().equals(OnlineAnalysis.WINNER)) {
        assertThat(result.best()).isEqualTo("b");
        // The always-valid interval agrees with the test: it excludes no difference.
        assertThat(result.comparisons().getFirst().low()).isPositive();
        detected++;
      }
    }
    // Unit conversion about 0.117 against 0.148 over 10,000 units per arm: z about 6.
    assertThat(detected).isGreaterThanOrEqualTo(19);
  }

  @Test
  void aWorseCandidateMakesTheControlTheWinner() {
    OnlineAnalysis.Result result =
        OnlineAnalysis.analyse(traffic(7, 20_000, new double[] {0.065, 0.05}, decision(null)));

    assertThat(result.verdict()).isEqualTo(OnlineAnalysis.WINNER);
    assertThat(result.best()).isEqualTo("a");
    assertThat(result.comparisons().getFirst().difference()).isNegative();
  }

  /**
   * 200 A/A experiments, each read after every unit (the test's ratio is evaluated at every unit,
   * the largest one decides): at most alpha of them may name a winner; the rest conclude no
   * difference. The same traffic read with a fixed-horizon z-test at 20 peeks shows why that
   * matters: its false positive rate is well above alpha.
   */
  @Test
  void anAaExperimentConcludesNoDifferenceAtTheConfiguredErrorRateUnderContinuousPeeking() {
    int sims = 200;
    int falsePositives = 0;
    int noDifference = 0;
    int naiveFalsePositives = 0;
    for (int sim = 0; sim < sims; sim++) {
      OnlineAnalysis.Input input =
          traffic(50_000 + sim, 20_000, new double[] {0.05, 0.05}, decision(20_000L));
      OnlineAnalysis.Result result = OnlineAnalysis.analyse(input);
      if (result.verdict().equals(OnlineAnalysis.WINNER)) {
        falsePositives++;
      } else if (result.verdict().equals(OnlineAnalysis.NO_DIFFERENCE)) {
        noDifference++;
      }
      naiveFalsePositives += naivePeekingRejects(input, 20) ? 1 : 0;
    }
    // alpha 0.05 over 200: 10 expected at most; binomial sd 3.1, so 16 is the bound plus 2 sd.
    assertThat(falsePositives).isLessThanOrEqualTo(16);
    assertThat(noDifference).isEqualTo(sims - falsePositives);
    assertThat(naiveFalsePositives).isGreaterThan(20);
    System.out.printf(
        "A/A over %d sims: mSPRT false positives %d (%.3f), naive z-test at 20 peeks %d (%.3f)%n",
        sims,
        falsePositives,
        falsePositives / (double) sims,
        naiveFalsePositives,
        naiveFalsePositives / (double) sims);
  }

  /** A two-proportion z-test on unit conversion, read at {@code peeks} even points. */
  private static boolean naivePeekingRejects(OnlineAnalysis.Input input, int peeks) {
    Map<String, int[]> units = new java.util.LinkedHashMap<>();
    for (ExperimentStore.ExposureRow row : input.exposures()) {
      int[] unit = units.computeIfAbsent(row.unit(), k -> new int[] {ARMS.indexOf(row.arm()), 0});
      if (input.feedback().containsKey(row.requestId())) {
        unit[1] = 1;
      }
    }
    List<int[]> list = new ArrayList<>(units.values());
    long[] n = new long[2];
    long[] x = new long[2];
    int step = list.size() / peeks;
    for (int i = 0; i < list.size(); i++) {
      n[list.get(i)[0]]++;
      x[list.get(i)[0]] += list.get(i)[1];
      if ((i + 1) % step == 0) {
        double pa = (double) x[0] / n[0];
        double pb = (double) x[1] / n[1];
        double p = (double) (x[0] + x[1]) / (n[0] + n[1]);
        double se = Math.sqrt(p * (1 - p) * (1.0 / n[0] + 1.0 / n[1]));
        if (se > 0 && Math.abs(pb - pa) / se > Stats.Z_95) {
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void tooFewUnitsAreNotEnoughDataAndEquivalentArmsAreNoDifference() {
    assertThat(
            OnlineAnalysis.analyse(traffic(3, 150, new double[] {0.05, 0.05}, decision(null)))
                .verdict())
        .isEqualTo(OnlineAnalysis.NOT_ENOUGH_DATA);

    // Enough units for the always-valid interval to fit within +-0.02.
    OnlineAnalysis.Result result =
        OnlineAnalysis.analyse(traffic(4, 80_000, new double[] {0.05, 0.05}, decision(null)));
    assertThat(result.verdict()).isEqualTo(OnlineAnalysis.NO_DIFFERENCE);
    OnlineAnalysis.Comparison comparison = result.comparisons().getFirst();
    assertThat(comparison.low()).isGreaterThan(-0.02);
    assertThat(comparison.high()).isLessThan(0.02);
  }

  @Test
  void aUnitsCallsCountOnceAndItStaysInItsFirstArm() {
    List<ExperimentStore.ExposureRow> exposures =
        List.of(
            new ExperimentStore.ExposureRow("a", "alice", "r1", 1, 10, null, null),
            new ExperimentStore.ExposureRow("a", "alice", "r2", 2, 10, null, null),
            new ExperimentStore.ExposureRow("b", "alice", "r3", 3, 10, null, null),
            new ExperimentStore.ExposureRow("b", "bob", "r4", 4, 10, null, null),
            new ExperimentStore.ExposureRow("b", null, "r5", 5, 10, null, null));
    Map<String, JsonNode> feedback =
        Map.of(
            "r1", IntNode.valueOf(0),
            "r2", BooleanNode.TRUE,
            "r3", IntNode.valueOf(1),
            "r5", TextNode.valueOf("1"));
    OnlineAnalysis.Result result =
        OnlineAnalysis.analyse(
            new OnlineAnalysis.Input(
                ARMS,
                SplitOptions.Metric.DEFAULTS,
                SplitOptions.Decision.DEFAULTS,
                null,
                exposures,
                feedback,
                false));

    // alice: one unit in a, converted; bob and the call without a unit: two units in b.
    assertThat(result.arms().get(0).units()).isEqualTo(1);
    assertThat(result.arms().get(0).mean()).isEqualTo(1.0);
    assertThat(result.arms().get(1).units()).isEqualTo(2);
    assertThat(result.arms().get(1).mean()).isEqualTo(0.5);
    // r3 was alice's call after she moved to b: not counted in either arm.
    assertThat(result.feedbackJoined()).isEqualTo(3);
  }

  @Test
  void accuracyComparesTheAnswerWithTheLabelAndMeanAveragesPerUnit() {
    List<ExperimentStore.ExposureRow> exposures =
        List.of(
            new ExperimentStore.ExposureRow("a", "u1", "r1", 1, 10, null, "[\"setosa\"]"),
            new ExperimentStore.ExposureRow("a", "u1", "r2", 2, 10, null, "[\"virginica\"]"),
            new ExperimentStore.ExposureRow("b", "u2", "r3", 3, 10, null, "[\"1\"]"));
    Map<String, JsonNode> labels =
        Map.of(
            "r1", TextNode.valueOf("setosa"),
            "r2", TextNode.valueOf("setosa"),
            "r3", DoubleNode.valueOf(1.0));
    OnlineAnalysis.Result accuracy =
        OnlineAnalysis.analyse(
            new OnlineAnalysis.Input(
                ARMS,
                new SplitOptions.Metric(SplitOptions.Outcome.ACCURACY, null, null),
                SplitOptions.Decision.DEFAULTS,
                null,
                exposures,
                labels,
                false));
    assertThat(accuracy.arms().get(0).mean()).isEqualTo(0.5);
    assertThat(accuracy.arms().get(1).mean()).isEqualTo(1.0);

    Map<String, JsonNode> rewards =
        Map.of("r1", DoubleNode.valueOf(2.0), "r2", DoubleNode.valueOf(4.0));
    OnlineAnalysis.Result mean =
        OnlineAnalysis.analyse(
            new OnlineAnalysis.Input(
                ARMS,
                new SplitOptions.Metric(SplitOptions.Outcome.MEAN, null, null),
                SplitOptions.Decision.DEFAULTS,
                null,
                exposures,
                rewards,
                false));
    assertThat(mean.arms().get(0).mean()).isEqualTo(3.0);
    // u2 got no reward: left out.
    assertThat(mean.arms().get(1).units()).isZero();
  }

  @Test
  void anArmOverItsGuardrailsIsBreachedButTheControlNever() {
    List<ExperimentStore.ExposureRow> exposures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      // a: slow and failing, but the control; b: 10% errors; c: p99 of 80 ms.
      exposures.add(new ExperimentStore.ExposureRow("a", "u" + i, "a" + i, i, 90_000, "e", null));
      exposures.add(
          new ExperimentStore.ExposureRow(
              "b", "v" + i, "b" + i, i, 1000, i % 10 == 0 ? "boom" : null, null));
      exposures.add(
          new ExperimentStore.ExposureRow(
              "c", "w" + i, "c" + i, i, i % 50 < 2 ? 80_000 : 1000, null, null));
    }
    OnlineAnalysis.Input input =
        new OnlineAnalysis.Input(
            List.of("a", "b", "c"),
            SplitOptions.Metric.DEFAULTS,
            SplitOptions.Decision.DEFAULTS,
            new SplitOptions.Guardrails(0.02, Duration.ofMillis(50), 200),
            exposures,
            Map.of(),
            false);

    OnlineAnalysis.Result result = OnlineAnalysis.analyse(input);

    assertThat(result.guards().get(0).breached()).isFalse();
    assertThat(result.guards().get(1).breached()).isTrue();
    assertThat(result.guards().get(1).reason()).contains("error rate");
    assertThat(result.guards().get(2).breached()).isTrue();
    assertThat(result.guards().get(2).reason()).contains("p99 latency");
    assertThat(result.verdict()).isEqualTo(OnlineAnalysis.STOPPED_BY_GUARDRAIL);
  }

  @Test
  void aSampleRatioMismatchComesBeforeAnyConclusion() {
    OnlineAnalysis.Input planted = traffic(9, 20_000, new double[] {0.05, 0.08}, decision(null));
    OnlineAnalysis.Input flagged =
        new OnlineAnalysis.Input(
            planted.arms(),
            planted.metric(),
            planted.decision(),
            null,
            planted.exposures(),
            planted.feedback(),
            true);

    assertThat(OnlineAnalysis.analyse(planted).verdict()).isEqualTo(OnlineAnalysis.WINNER);
    assertThat(OnlineAnalysis.analyse(flagged).verdict())
        .isEqualTo(OnlineAnalysis.SAMPLE_RATIO_MISMATCH);
    assertThat(OnlineAnalysis.analyse(flagged).best()).isNull();
  }
}
