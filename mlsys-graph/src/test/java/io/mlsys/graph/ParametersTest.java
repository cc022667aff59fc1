package io.mlsys.graph;

import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.mlsys.core.InvalidInputException;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.graph.EnsembleOptions.BranchPolicy;
import io.mlsys.graph.Graphs.ParameterChange;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParametersTest {
  private static final String B_WEIGHT = "sequence.classify.ensemble.branches.b.weight";
  private static final String B_TIMEOUT = "sequence.classify.ensemble.branches.b.timeout";
  private static final String THRESHOLD = "sequence.check.cascade.stages.light.threshold";

  private final TestModels models = new TestModels();
  private Graphs graphs;

  @BeforeEach
  void graph() {
    for (String name : List.of("a", "b", "light", "heavy", "gold", "standard")) {
      models.echo(name);
    }
    graphs = models.graphs("g", root());
  }

  private static NodeConfig root() {
    NodeConfig classify =
        TestModels.ensemble(
            new CombinerConfig.WeightedMean("p"),
            TestModels.branch("a", model("a"), BranchPolicy.REQUIRED, true, 1, Map.of()),
            TestModels.branch(
                "b",
                new NodeConfig(ModelOptions.of("b"), Duration.ofMillis(100)),
                BranchPolicy.OPTIONAL,
                true,
                2,
                Map.of()));
    NodeConfig check =
        NodeConfig.of(
            new CascadeOptions(
                List.of(
                    new CascadeOptions.Stage(
                        model("light"), "light", new CascadeOptions.Accept("p", 0.9)),
                    new CascadeOptions.Stage(model("heavy"), "heavy", null)),
                null));
    NodeConfig route =
        NodeConfig.of(
            new SwitchOptions(
                List.of(new SwitchOptions.Rule(model("gold"), "gold", Condition.parse("true"))),
                model("standard"),
                null));
    return TestModels.sequence(
            TestModels.step("classify", classify),
            TestModels.step("check", check),
            TestModels.step("route", route, null, Map.of(), false))
        .withTimeout(Duration.ofSeconds(2));
  }

  @Test
  void everyParameterIsListedWithItsConfigValueInNodeOrder() {
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("timeout", "2s");
    expected.put("sequence.classify.active", true);
    expected.put("sequence.classify.timeout", null);
    expected.put("sequence.classify.ensemble.branches.a.active", true);
    expected.put("sequence.classify.ensemble.branches.a.weight", 1.0);
    expected.put("sequence.classify.ensemble.branches.a.timeout", null);
    expected.put("sequence.classify.ensemble.branches.b.active", true);
    expected.put(B_WEIGHT, 2.0);
    expected.put(B_TIMEOUT, "100ms");
    expected.put("sequence.check.active", true);
    expected.put("sequence.check.timeout", null);
    expected.put(THRESHOLD, 0.9);
    expected.put("sequence.check.cascade.stages.light.timeout", null);
    expected.put("sequence.check.cascade.stages.heavy.timeout", null);
    expected.put("sequence.route.active", false);
    expected.put("sequence.route.timeout", null);
    expected.put("sequence.route.switch.rules[0].active", true);
    expected.put("sequence.route.switch.rules[0].timeout", null);
    expected.put("sequence.route.switch.default.timeout", null);

    assertThat(graphs.parameters("g")).containsExactlyEntriesOf(expected);
  }

  @Test
  void changesApplyTogetherAndAreReturnedWithWhoAndWhen() {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put(B_WEIGHT, 0.5);
    changes.put(B_TIMEOUT, "250ms");
    changes.put("sequence.route.active", true);

    List<ParameterChange> applied = graphs.setParameters("g", changes, "alice");

    assertThat(applied)
        .containsExactly(
            new ParameterChange("g", B_WEIGHT, 2.0, 0.5, "alice", models.clock.instant()),
            new ParameterChange("g", B_TIMEOUT, "100ms", "250ms", "alice", models.clock.instant()),
            new ParameterChange(
                "g", "sequence.route.active", false, true, "alice", models.clock.instant()));
    assertThat(graphs.parameters("g"))
        .contains(
            entry(B_WEIGHT, 0.5), entry(B_TIMEOUT, "250ms"), entry("sequence.route.active", true));
  }

  @Test
  void everyChangedValueIsAuditedOnce() {
    graphs.setParameters("g", Map.of(THRESHOLD, 0.75), "alice");

    assertThat(models.audit)
        .containsExactly(
            "graph parameter changed: graph=g path="
                + THRESHOLD
                + " old=0.9 new=0.75 who=alice at=2026-01-05T10:00:00Z");
  }

  @Test
  void settingAValueToWhatItIsChangesNothing() {
    List<ParameterChange> applied = graphs.setParameters("g", Map.of(THRESHOLD, 0.9), "alice");

    assertThat(applied).isEmpty();
    assertThat(models.audit).isEmpty();
  }

  @Test
  void aTimeoutIsClearedWithNull() {
    Map<String, Object> changes = new HashMap<>();
    changes.put(B_TIMEOUT, null);

    graphs.setParameters("g", changes, "alice");

    assertThat(graphs.parameters("g")).containsEntry(B_TIMEOUT, null);
  }

  @Test
  void anUnknownPathIsAnInvalidInputNamingIt() {
    assertThatThrownBy(() -> graphs.setParameters("g", Map.of("nope", 1), "alice"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "parameters.nope: unknown parameter of graph 'g' (expected: one of [")
        .extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("parameters.nope");
  }

  @Test
  void oneBadValueRejectsEveryChange() {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put(B_WEIGHT, 0.5);
    changes.put(B_TIMEOUT, "soon");

    assertThatThrownBy(() -> graphs.setParameters("g", changes, "alice"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "parameters."
                + B_TIMEOUT
                + ": 'soon' (expected: a positive duration such as 250ms, 2s or PT2S, or null for"
                + " none)");
    assertThat(graphs.parameters("g")).containsEntry(B_WEIGHT, 2.0);
    assertThat(models.audit).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sequence.classify.ensemble.branches.a.weight | -1 | -1 (expected: a finite number >= 0)",
        "sequence.classify.ensemble.branches.a.weight | NaN | NaN (expected: a finite number >= 0)",
        THRESHOLD + " | Infinity | Infinity (expected: a finite number)",
        "sequence.route.active | maybe | 'maybe' (expected: true or false)",
        "timeout | 0s | '0s' (expected: a positive duration such as 250ms, 2s or PT2S, or null for"
            + " none)"
      })
  void aValueOfTheWrongTypeOrRangeIsRejected(String path, String text, String problem) {
    Object value =
        switch (text) {
          case "-1" -> -1;
          case "NaN" -> Double.NaN;
          case "Infinity" -> Double.POSITIVE_INFINITY;
          default -> text;
        };

    assertThatThrownBy(() -> graphs.setParameters("g", Map.of(path, value), "alice"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("parameters." + path + ": " + problem);
  }

  @Test
  void aWeightedMeanKeepsOneWeightAboveZero() {
    Map<String, Object> changes = new LinkedHashMap<>();
    changes.put("sequence.classify.ensemble.branches.a.weight", 0);
    changes.put(B_WEIGHT, 0.0);

    assertThatThrownBy(() -> graphs.setParameters("g", changes, "alice"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "parameters.sequence.classify.ensemble: every branch weight would be 0 (expected: at"
                + " least one weight > 0 for weighted-mean)");
  }

  @Test
  void aNewGenerationStartsFromItsOwnConfig() {
    graphs.setParameters("g", Map.of(THRESHOLD, 0.5), "alice");

    Graphs next = models.graphs("g", root());

    assertThat(next.parameters("g")).containsEntry(THRESHOLD, 0.9);
  }

  @Test
  void anUnknownGraphIsNotFound() {
    assertThatThrownBy(() -> graphs.setParameters("other", Map.of(), "alice"))
        .isInstanceOf(ModelNotFoundException.class);
  }
}
