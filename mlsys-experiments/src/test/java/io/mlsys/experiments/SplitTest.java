package io.mlsys.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.FailedPreconditionException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.store.StoreConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTest {
  private static final InferRequest ROW =
      InferRequest.of(Tensor.ofFloats("x", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f));

  @TempDir Path dir;
  private Lab lab;

  @BeforeEach
  void start() {
    lab = new Lab(StoreConfig.defaults(), dir).naming("iris-svc").naming("forest");
  }

  @AfterEach
  void stop() {
    lab.close();
  }

  static SplitOptions split(double a, double b) {
    Map<String, SplitOptions.Arm> arms = new LinkedHashMap<>();
    arms.put("a", new SplitOptions.Arm(Lab.model("iris-svc"), a, null));
    arms.put("b", new SplitOptions.Arm(Lab.model("forest"), b, null));
    return new SplitOptions(new UnitKey("x-user", null, null), arms, null, null);
  }

  private String arm(String user) {
    InferResponse answer = lab.infer("iris-ab", ROW, Map.of("x-user", user));
    return (String) answer.parameters().get("arm");
  }

  @Test
  void theArmAnswersAndIsNamedInTheResponseAndInTheCallContext() {
    lab.graph("iris-ab", split(50, 50));

    InferResponse answer = lab.infer("iris-ab", ROW, Map.of("x-user", "alice"));

    String arm = (String) answer.parameters().get("arm");
    assertThat(arm).isIn("a", "b");
    String model = arm.equals("a") ? "iris-svc" : "forest";
    assertThat(answer.output("served_by").orElseThrow().strings()).containsExactly(model);
    assertThat(answer.output("arm_seen").orElseThrow().strings()).containsExactly(arm);
  }

  @Test
  void aUnitKeepsItsArmAcrossCallsAndUnitsSpreadByWeight() {
    lab.graph("iris-ab", split(50, 50));
    Map<String, String> first = new HashMap<>();
    for (int i = 0; i < 2000; i++) {
      first.put("user-" + i, arm("user-" + i));
    }

    int inA = 0;
    for (int i = 0; i < 2000; i++) {
      assertThat(arm("user-" + i)).isEqualTo(first.get("user-" + i));
      inA += first.get("user-" + i).equals("a") ? 1 : 0;
    }
    // Binomial(2000, 0.5): sd 22; 5 sd either way.
    assertThat(inA).isBetween(1000 - 112, 1000 + 112);
  }

  @Test
  void aWeightChangeMovesOnlyTheUnitsItMust() {
    lab.graph("iris-ab", split(50, 50));
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 4000; i++) {
      before.put("user-" + i, arm("user-" + i));
    }

    lab.graphs()
        .setParameters(
            "iris-ab", Map.of("split.arms.a.weight", 70.0, "split.arms.b.weight", 30.0), "test");

    int moved = 0;
    for (int i = 0; i < 4000; i++) {
      String now = arm("user-" + i);
      String was = before.get("user-" + i);
      if (!now.equals(was)) {
        moved++;
        // Only b shrank: nobody leaves a.
        assertThat(was).isEqualTo("b");
      }
    }
    // 50/50 -> 70/30 moves 2000 of 10,000 buckets: about 800 of 4000 units (sd 25).
    assertThat(moved).isBetween(800 - 125, 800 + 125);
  }

  @Test
  void anInactiveArmGetsNoUnitsAndItsUnitsComeBackWhenItIsActiveAgain() {
    lab.graph("iris-ab", split(50, 50));
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      before.put("user-" + i, arm("user-" + i));
    }

    lab.graphs().setParameters("iris-ab", Map.of("split.arms.b.active", false), "test");
    for (int i = 0; i < 500; i++) {
      assertThat(arm("user-" + i)).isEqualTo("a");
    }
    lab.graphs().setParameters("iris-ab", Map.of("split.arms.b.active", true), "test");

    for (int i = 0; i < 500; i++) {
      assertThat(arm("user-" + i)).isEqualTo(before.get("user-" + i));
    }
  }

  @Test
  void callsWithoutAKeyAreAssignedAtRandomByWeight() {
    lab.graph("iris-ab", split(80, 20));

    int inA = 0;
    for (int i = 0; i < 1000; i++) {
      inA += lab.infer("iris-ab", ROW, Map.of()).parameters().get("arm").equals("a") ? 1 : 0;
    }

    // Binomial(1000, 0.8): sd 12.6.
    assertThat(inA).isBetween(800 - 63, 800 + 63);
  }

  @Test
  void theReportCountsEachArmAndAFairSplitShowsNoMismatch() throws Exception {
    lab.graph("iris-ab", split(50, 50));
    int inA = 0;
    for (int i = 0; i < 1000; i++) {
      String arm = arm("user-" + i);
      inA += arm.equals("a") ? 1 : 0;
      arm("user-" + i); // a second call of the same unit: two exposures, one unit
    }

    Map<String, Object> report = lab.experiments.report("iris-ab");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arms = (List<Map<String, Object>>) report.get("arms");
    assertThat(arms.get(0)).containsEntry("name", "a").containsEntry("count", 2L * inA);
    assertThat(arms.get(0)).containsEntry("units", (long) inA);
    assertThat(arms.get(1)).containsEntry("count", 2L * (1000 - inA));
    assertThat(arms.get(0)).containsEntry("expected_share", 0.5);
    @SuppressWarnings("unchecked")
    Map<String, Object> srm = (Map<String, Object>) report.get("sample_ratio_mismatch");
    assertThat(srm).containsEntry("mismatch", false);
    assertThat(report).containsEntry("state", "running").containsEntry("kind", "split");
  }

  @Test
  void aPlantedSampleRatioMismatchIsFlagged() throws Exception {
    lab.graph("iris-ab", split(50, 50));
    arm("user-0"); // makes the 50/50 table: a owns buckets 0-4999
    // A broken split, simulated: a third of b's units never reach the log.
    for (int i = 1; i < 3000; i++) {
      String user = "user-" + i;
      String arm = BucketTable.bucket("iris-ab", user) < BucketTable.BUCKETS / 2 ? "a" : "b";
      if (arm.equals("b") && i % 3 == 0) {
        continue;
      }
      lab.experiments.record(
          new ExperimentRecord.Exposure("iris-ab", arm, user, "r" + i, 0L, 100L, null, null));
    }

    Map<String, Object> report = lab.experiments.report("iris-ab");

    @SuppressWarnings("unchecked")
    Map<String, Object> srm = (Map<String, Object>) report.get("sample_ratio_mismatch");
    assertThat(srm).containsEntry("mismatch", true);
    assertThat((Double) srm.get("p_value")).isLessThan(1e-6);
    // Flagged before any conclusion.
    assertThat(report).containsEntry("verdict", OnlineAnalysis.SAMPLE_RATIO_MISMATCH);
  }

  @Test
  void aWeightChangeMidExperimentIsNoMismatchAndEachPeriodIsTestedAgainstItsOwnShares()
      throws Exception {
    lab.graph("iris-ab", split(50, 50));
    for (int i = 0; i < 1500; i++) {
      arm("user-" + i);
    }
    lab.clock.advance(java.time.Duration.ofHours(1));
    lab.graphs()
        .setParameters(
            "iris-ab", Map.of("split.arms.a.weight", 80.0, "split.arms.b.weight", 20.0), "test");
    // The first 1500 come back (30% of buckets moved from b to a: some change arm), 1500 new.
    for (int i = 0; i < 3000; i++) {
      arm("user-" + i);
    }

    Map<String, Object> report = lab.experiments.report("iris-ab");

    // Counted by arm all-time against the current 80/20 table, this was chi-square > 300.
    @SuppressWarnings("unchecked")
    Map<String, Object> srm = (Map<String, Object>) report.get("sample_ratio_mismatch");
    assertThat(srm)
        .containsEntry("mismatch", false)
        .containsEntry("units", 3000L)
        .containsEntry("degrees_of_freedom", 2L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> periods = (List<Map<String, Object>>) srm.get("periods");
    assertThat(periods).hasSize(2);
    assertThat(periods.get(0)).containsEntry("revision", 1).containsEntry("units", 1500L);
    assertThat(periods.get(1))
        .containsEntry("revision", 2)
        .containsEntry("units", 1500L)
        .containsEntry("from", "2026-03-02T10:00:00Z");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> cells = (List<Map<String, Object>>) periods.get(1).get("arms");
    assertThat(cells.get(0)).containsEntry("name", "a").containsEntry("expected_share", 0.8);
    assertThat(report.get("verdict")).isNotEqualTo(OnlineAnalysis.SAMPLE_RATIO_MISMATCH);
  }

  @Test
  void anArmStoppedMidExperimentIsNoMismatch() throws Exception {
    lab.graph("iris-ab", split(50, 50));
    for (int i = 0; i < 1000; i++) {
      arm("user-" + i);
    }
    lab.clock.advance(java.time.Duration.ofMinutes(5));
    // As a guardrail stops an arm: weight 0.
    lab.graphs().setParameters("iris-ab", Map.of("split.arms.b.weight", 0.0), "guardrail");
    for (int i = 0; i < 2000; i++) {
      arm("user-" + i);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> srm =
        (Map<String, Object>) lab.experiments.report("iris-ab").get("sample_ratio_mismatch");

    // The second period has one arm: no degree of freedom of its own.
    assertThat(srm)
        .containsEntry("mismatch", false)
        .containsEntry("units", 2000L)
        .containsEntry("degrees_of_freedom", 1L);
  }

  @Test
  void aStoppedSplitSendsEveryCallToItsFirstArmAndAConcludedOneToItsWinner() {
    lab.graph("iris-ab", split(50, 50));
    assertThat(arm("user-1")).isIn("a", "b");

    lab.experiments.changeState("iris-ab", ExperimentState.STOPPED, null, "test");
    for (int i = 0; i < 50; i++) {
      assertThat(arm("user-" + i)).isEqualTo("a");
    }
    lab.experiments.changeState("iris-ab", ExperimentState.CONCLUDED, "b", "test");
    for (int i = 0; i < 50; i++) {
      assertThat(arm("user-" + i)).isEqualTo("b");
    }

    assertThatThrownBy(
            () -> lab.experiments.changeState("iris-ab", ExperimentState.RUNNING, null, "test"))
        .isInstanceOf(FailedPreconditionException.class)
        .hasMessageContaining("concluded");
    assertThat(lab.experiments.status("iris-ab"))
        .containsEntry("state", "concluded")
        .containsEntry("winner", "b")
        .containsEntry("updated_by", "test");
  }

  @Test
  void aWinnerMustBeAnArm() {
    lab.graph("iris-ab", split(50, 50));

    assertThatThrownBy(
            () -> lab.experiments.changeState("iris-ab", ExperimentState.CONCLUDED, "c", "test"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("winner")
        .hasMessageContaining("a, b");
  }

  @Test
  void theStateAndTheTableOutliveARestart() throws Exception {
    lab.graph("iris-ab", split(50, 50));
    lab.graphs().setParameters("iris-ab", Map.of("split.arms.a.weight", 90.0), "test");
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      before.put("user-" + i, arm("user-" + i));
    }
    lab.experiments.changeState("iris-ab", ExperimentState.STOPPED, null, "test");
    lab.close();

    lab = new Lab(StoreConfig.defaults(), dir).naming("iris-svc").naming("forest");
    lab.graph("iris-ab", split(90, 10));

    assertThat(lab.experiments.status("iris-ab")).containsEntry("state", "stopped");
    lab.experiments.changeState("iris-ab", ExperimentState.RUNNING, null, "test");
    int moved = 0;
    for (int i = 0; i < 300; i++) {
      moved += arm("user-" + i).equals(before.get("user-" + i)) ? 0 : 1;
    }
    // The stored 90/50 table (64.3% a) rebalanced to the config's 90/10: b's units move to a
    // (25.7% of buckets, about 77 of 300 units, sd 7.6); a's never move.
    assertThat(moved).isBetween(77 - 38, 77 + 38);
  }

  @Test
  void anArmBreachingItsGuardrailIsStoppedThroughTheRuntimeParametersOnce() throws Exception {
    lab.model(
        "broken",
        (request, context) -> {
          throw new IllegalStateException("broken model");
        });
    Map<String, SplitOptions.Arm> arms = new LinkedHashMap<>();
    arms.put("a", new SplitOptions.Arm(Lab.model("iris-svc"), 50.0, null));
    arms.put("b", new SplitOptions.Arm(Lab.model("broken"), 50.0, null));
    lab.graph(
        "iris-ab",
        new SplitOptions(
            new UnitKey("x-user", null, null),
            arms,
            null,
            null,
            null,
            null,
            new SplitOptions.Guardrails(0.05, null, 50),
            null));
    List<String> audit = new java.util.ArrayList<>();
    lab.experiments.parameterChanger(
        (graph, changes, who) -> {
          audit.add(graph + " " + changes + " by " + who);
          lab.graphs().setParameters(graph, changes, who);
        });
    for (int i = 0; i < 400; i++) {
      try {
        arm("user-" + i);
      } catch (RuntimeException expected) {
        // b fails every call
      }
    }
    lab.experiments.flush();

    assertThat(lab.experiments.checkGuardrails()).containsExactly("iris-ab/b");
    assertThat(lab.experiments.checkGuardrails()).isEmpty();

    assertThat(audit)
        .containsExactly("iris-ab {split.arms.b.weight=0.0} by " + Experiments.GUARDRAIL_ACTOR);
    assertThat(lab.graphs().parameters("iris-ab")).containsEntry("split.arms.b.weight", 0.0);
    for (int i = 0; i < 100; i++) {
      assertThat(arm("user-" + i)).isEqualTo("a");
    }
    Map<String, Object> report = lab.experiments.report("iris-ab");
    assertThat(report).containsEntry("verdict", OnlineAnalysis.STOPPED_BY_GUARDRAIL);
  }

  @Test
  void exposuresWrittenBySchemaVersion1AreReadWithoutLatencyOrError() throws Exception {
    lab.graph("iris-ab", split(50, 50));
    arm("user-0"); // migrates the store and makes the table
    // Rows as version 1 wrote them: no latency, error or value columns.
    try (io.mlsys.store.Store store =
        io.mlsys.store.Store.open(StoreConfig.defaults(), dir, Experiments.STORE_OWNER)) {
      store.inTransaction(
          connection -> {
            try (var insert =
                connection.prepareStatement(
                    "INSERT INTO experiment_exposures (schema_version, experiment, arm, unit,"
                        + " request_id, time_us) VALUES (1, 'iris-ab', ?, ?, ?, 1)")) {
              for (int i = 0; i < 300; i++) {
                insert.setString(1, i % 2 == 0 ? "a" : "b");
                insert.setString(2, "old-" + i);
                insert.setString(3, "old-r" + i);
                insert.addBatch();
              }
              insert.executeBatch();
            }
            return null;
          });
    }

    Map<String, Object> report = lab.experiments.report("iris-ab");

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> arms = (List<Map<String, Object>>) report.get("arms");
    long units = 0;
    long guarded = 0;
    for (Map<String, Object> arm : arms) {
      units += (Long) arm.get("units");
      @SuppressWarnings("unchecked")
      Map<String, Object> guardrail = (Map<String, Object>) arm.get("guardrail");
      guarded += (Long) guardrail.get("calls");
    }
    assertThat(units).isEqualTo(301);
    // Only the call served by this version has a latency for the guardrails.
    assertThat(guarded).isEqualTo(1);
  }
}
