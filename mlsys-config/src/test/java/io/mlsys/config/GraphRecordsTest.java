package io.mlsys.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.NodeConfig.Accept;
import io.mlsys.config.NodeConfig.Branch;
import io.mlsys.config.NodeConfig.Cascade;
import io.mlsys.config.NodeConfig.Ensemble;
import io.mlsys.config.NodeConfig.Model;
import io.mlsys.config.NodeConfig.Remote;
import io.mlsys.config.NodeConfig.Rule;
import io.mlsys.config.NodeConfig.Sequence;
import io.mlsys.config.NodeConfig.Stage;
import io.mlsys.config.NodeConfig.Step;
import io.mlsys.config.NodeConfig.Switch;
import io.mlsys.config.NodeConfig.TensorRef;
import io.mlsys.config.NodeConfig.Transform;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graphs built in Java get the checks the loader applies, with paths relative to the node. */
class GraphRecordsTest {
  private static final NodeConfig M = Model.of("m");

  private static List<String> violations(Runnable build) {
    try {
      build.run();
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private static Step step(String name, Map<String, TensorRef> inputs, String when) {
    return new Step(name, M, when == null ? null : Condition.parse(when), inputs, true);
  }

  @Test
  void aSequenceChecksItsStepsReferences() {
    assertThat(
            violations(
                () ->
                    new Sequence(
                        List.of(
                            step("a", Map.of("x", TensorRef.parse("b.y")), null),
                            step("b", Map.of(), "outputs.c.y[0] > 1"),
                            step("b", Map.of("x", TensorRef.parse("a.y")), "outputs.a.y[0] > 1"),
                            step("request", null, null)),
                        null)))
        .containsExactly(
            "a.inputs.x: 'b.y' (expected: request.TENSOR or STEP.TENSOR of an earlier step, one"
                + " of: request)",
            "b.when: 'outputs.c.y[0] > 1' (expected: outputs of earlier steps only; 'c' is not an earlier"
                + " step)",
            "b: 'b' (expected: each step name once)",
            "request: 'request' (expected: a step name of 1 to 128 letters, digits, '_' or '-',"
                + " other than 'request')");
  }

  @Test
  void aSequenceNeedsAStepAndAPositiveTimeout() {
    assertThat(violations(() -> new Sequence(List.of(), Duration.ZERO)))
        .containsExactly(
            "[] (expected: a mapping of at least one step name to step)",
            "timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)");
  }

  @Test
  void stepInputsKeepTheirOrder() {
    Map<String, TensorRef> inputs = new LinkedHashMap<>();
    inputs.put("z", TensorRef.parse("request.z"));
    inputs.put("a", TensorRef.parse("request.a"));

    assertThat(step("s", inputs, null).inputs().keySet()).containsExactly("z", "a");
  }

  @Test
  void anEnsembleChecksBranchNamesAndInputs() {
    assertThat(
            violations(
                () ->
                    new Ensemble(
                        List.of(
                            new Branch("a", M, null, true, 1, Map.of("x", TensorRef.parse("s.x"))),
                            new Branch("a", M, null, true, 1, null),
                            new Branch("b.c", M, null, true, 1, null)),
                        new CombinerConfig.First(),
                        null)))
        .containsExactly(
            "branches.a.inputs.x: 's.x' (expected: request.TENSOR: branches read the request"
                + " only)",
            "branches.a: 'a' (expected: each branch name once)",
            "branches.b.c: 'b.c' (expected: a branch name of 1 to 128 letters, digits, '_' or"
                + " '-')");
    assertThat(violations(() -> new Ensemble(List.of(), new CombinerConfig.All(), null)))
        .containsExactly(
            "branches: [] (expected: a mapping of at least one branch name to branch)");
  }

  @Test
  void aBranchWeightIsFiniteAndAtLeastZero() {
    assertThat(violations(() -> new Branch("a", M, null, true, Double.NaN, null)))
        .containsExactly("weight: NaN (expected: a finite number >= 0)");
    assertThat(new Branch("a", M, null, true, 0, null).policy())
        .isEqualTo(NodeConfig.BranchPolicy.REQUIRED);
  }

  @Test
  void aSwitchChecksRuleNamesRulesAndZone() {
    Condition yes = Condition.parse("true");

    assertThat(
            violations(
                () ->
                    new Switch(
                        List.of(
                            new Rule(" ", yes, M),
                            new Rule("default", yes, M),
                            new Rule("a", Condition.parse("outputs.s.x[0] > 1"), M)),
                        M,
                        "Nowhere/City",
                        null)))
        .containsExactly(
            "rules[0].name: ' ' (expected: a non-blank name)",
            "rules[1].name: 'default' (expected: each rule name once, not 'default')",
            "rules[2].when: 'outputs.s.x[0] > 1' (expected: a rule on headers, parameters, inputs or"
                + " time; outputs.STEP is read only by sequence steps)",
            "zone: 'Nowhere/City' (expected: a time zone such as UTC, Europe/Berlin or +02:00)");
    assertThat(new Switch(List.of(), M, null, null).zone()).isEqualTo(Switch.DEFAULT_ZONE);
    assertThat(new Switch(List.of(), M, "+02:00", null).zone()).isEqualTo("+02:00");
  }

  @Test
  void aCascadeChecksItsStages() {
    Accept accept = new Accept("p", 0.9);

    assertThat(
            violations(
                () ->
                    new Cascade(
                        List.of(new Stage("a", M, null), new Stage("a", M, accept)), " ", null)))
        .containsExactly(
            "stages[0].accept: missing (expected: {output, threshold} on every stage but the"
                + " last)",
            "stages[1].name: 'a' (expected: each stage name once)",
            "stages[1].accept: not allowed on the last stage (expected: none; the last stage"
                + " answers every row left)",
            "stage-output: ' ' (expected: a non-blank name)");
    assertThat(violations(() -> new Cascade(List.of(new Stage("a", M, null)), null, null)))
        .containsExactly("stages: 1 stage (expected: at least 2)");
  }

  @Test
  void anAcceptThresholdIsFinite() {
    assertThat(violations(() -> new Accept("p", Double.POSITIVE_INFINITY)))
        .containsExactly("threshold: Infinity (expected: a finite number)");
  }

  @Test
  void aRemoteChecksItsUrlAndLimits() {
    assertThat(
            violations(
                () ->
                    new Remote(
                        "http://h:8080/?q=1",
                        " ",
                        "",
                        Duration.ZERO,
                        0,
                        Duration.ofMillis(-1),
                        null)))
        .containsExactly(
            "url: 'http://h:8080/?q=1' (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "model: ' ' (expected: a non-blank name)",
            "version: '' (expected: a non-blank name)",
            "connect-timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)",
            "max-attempts: 0 (expected: an integer from 1 to 10)",
            "retry-backoff: -1ms (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, >= 0)");
    assertThat(violations(() -> Remote.of("localhost:8080", "m")))
        .singleElement()
        .asString()
        .startsWith("url: 'localhost:8080'");
    assertThat(Remote.of("HTTPS://h", "m").url()).isEqualTo("HTTPS://h");
  }

  @Test
  void aModelNodeChecksItsNameVersionAndOutputs() {
    assertThat(violations(() -> new Model("..", "0", List.of("a", " "), Duration.ofSeconds(-1))))
        .containsExactly(
            "name: '..' (expected: a model or graph name of 1 to 128 letters, digits, '_', '.' or"
                + " '-', not starting with '.')",
            "version: '0' (expected: a positive integer such as 1 or \"2\")",
            "outputs[1]: ' ' (expected: a non-blank name)",
            "timeout: -1s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)");
  }

  @Test
  void aTransformNodeNeedsAStep() {
    assertThat(violations(() -> new Transform(List.of(), null)))
        .containsExactly("[] (expected: a non-empty list of transform steps)");
  }

  @Test
  void aTensorRefSplitsAtTheFirstDot() {
    assertThat(TensorRef.parse("request.a.b")).isEqualTo(new TensorRef("request", "a.b"));
    assertThat(TensorRef.parse("prep.x").toString()).isEqualTo("prep.x");
    assertThatThrownBy(() -> TensorRef.parse("x"))
        .hasMessage("'x' (expected: NODE.TENSOR, NODE being request or a step name)");
    assertThatThrownBy(() -> TensorRef.parse(".x"))
        .hasMessage("'.x' (expected: NODE.TENSOR, NODE being request or a step name)");
    assertThatThrownBy(() -> TensorRef.parse("a."))
        .hasMessage("'a.' (expected: NODE.TENSOR, NODE being request or a step name)");
  }

  @Test
  void combinersCheckTheirOutputs() {
    assertThat(violations(() -> new CombinerConfig.Mean("")))
        .containsExactly("output: '' (expected: a non-blank name)");
    assertThat(violations(() -> new CombinerConfig.Max("p", 0, null, "score")))
        .containsExactly("label-output: 'score' (expected: a name other than score-output)");
    assertThat(CombinerConfig.Max.of("p"))
        .isEqualTo(new CombinerConfig.Max("p", 0, "score", "label"));
  }

  @Test
  void customOptionsMustBePlainValues() {
    assertThat(violations(() -> new TransformConfig.Custom("t", Map.of("n", 3))))
        .containsExactly(
            "options.n: Integer (expected: a String, Long, Double, Boolean, or a List or Map of"
                + " them)");
    assertThat(
            new TransformConfig.Custom("t", Map.of("a", List.of(1L, Map.of("b", true)))).options())
        .containsKey("a");
  }

  @Test
  void oneHotNumberedClassesAreTheirIndices() {
    assertThat(TransformConfig.OneHot.numbered(3)).containsExactly("0", "1", "2");
    assertThat(violations(() -> new TransformConfig.OneHot("x", List.of(), null)))
        .containsExactly("classes: 0 classes (expected: 1 to 65536 classes)");
  }

  @Test
  void aViolationUnderAListJoinsWithoutADot() {
    ConfigViolation violation = new ConfigViolation("[1].scale.std", "bad");

    assertThat(violation.under("graphs.g.transform").path())
        .isEqualTo("graphs.g.transform[1].scale.std");
    assertThat(new ConfigViolation("", "bad").under("graphs.g").path()).isEqualTo("graphs.g");
    assertThat(new ConfigViolation("port", "bad").under("server").path()).isEqualTo("server.port");
  }
}
