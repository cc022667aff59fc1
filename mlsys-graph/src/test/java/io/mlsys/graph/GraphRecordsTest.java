package io.mlsys.graph;

import static io.mlsys.graph.TestModels.ordered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.graph.CascadeOptions.Accept;
import io.mlsys.graph.CascadeOptions.Stage;
import io.mlsys.graph.EnsembleOptions.Branch;
import io.mlsys.graph.SequenceOptions.Step;
import io.mlsys.graph.SwitchOptions.Rule;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graphs built in Java get the checks the loader applies, with paths relative to the node. */
class GraphRecordsTest {
  private static final NodeConfig M = NodeConfig.of(ModelOptions.of("m"));

  private static List<String> violations(Runnable build) {
    try {
      build.run();
    } catch (ConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private static Step step(Map<String, TensorRef> inputs, String when) {
    return new Step(M, when == null ? null : Condition.parse(when), inputs, null);
  }

  @Test
  void aSequenceChecksItsStepsReferences() {
    assertThat(
            violations(
                () ->
                    new SequenceOptions(
                        ordered(
                            "a", step(Map.of("x", TensorRef.parse("b.y")), null),
                            "b", step(Map.of(), "outputs.c.y[0] > 1"),
                            "c", step(Map.of("x", TensorRef.parse("a.y")), "outputs.a.y[0] > 1"),
                            "request", step(null, null),
                            "d.e", step(null, null)))))
        .containsExactly(
            "a.inputs.x: 'b.y' (expected: request.TENSOR or STEP.TENSOR of an earlier step, one"
                + " of: request)",
            "b.when: 'outputs.c.y[0] > 1' (expected: outputs of earlier steps only; 'c' is not an"
                + " earlier step)",
            "request: 'request' (expected: a step name of 1 to 128 letters, digits, '_' or '-',"
                + " other than 'request')",
            "d.e: 'd.e' (expected: a step name of 1 to 128 letters, digits, '_' or '-', other than"
                + " 'request')");
  }

  @Test
  void aSequenceNeedsAStep() {
    assertThat(violations(() -> new SequenceOptions(Map.of())))
        .containsExactly("{} (expected: a mapping of at least one step name to step, in order)");
  }

  @Test
  void aNodeTimeoutIsPositive() {
    assertThat(violations(() -> new NodeConfig(ModelOptions.of("m"), Duration.ZERO)))
        .containsExactly(
            "timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)");
    assertThat(M.withTimeout(Duration.ofSeconds(2)).timeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void stepsAndInputsKeepTheirOrder() {
    Map<String, TensorRef> inputs = new LinkedHashMap<>();
    inputs.put("z", TensorRef.parse("request.z"));
    inputs.put("a", TensorRef.parse("request.a"));

    assertThat(step(inputs, null).inputs().keySet()).containsExactly("z", "a");
    assertThat(new SequenceOptions(ordered("z", step(null, null), "a", step(null, null))).steps())
        .containsOnlyKeys("z", "a")
        .extracting(Map::keySet)
        .asString()
        .isEqualTo("[z, a]");
    assertThat(Step.of(M).active()).isTrue();
  }

  @Test
  void anEnsembleChecksBranchNamesAndBranchesTheirInputs() {
    assertThat(
            violations(() -> new Branch(M, null, null, null, Map.of("x", TensorRef.parse("s.x")))))
        .containsExactly(
            "inputs.x: 's.x' (expected: request.TENSOR: branches read the request only)");
    assertThat(
            violations(
                () ->
                    new EnsembleOptions(
                        ordered("a", Branch.of(M), "b.c", Branch.of(M)),
                        new CombinerConfig.First())))
        .containsExactly(
            "branches.b.c: 'b.c' (expected: a branch name of 1 to 128 letters, digits, '_' or"
                + " '-')");
    assertThat(violations(() -> new EnsembleOptions(Map.of(), null)))
        .containsExactly(
            "branches: {} (expected: a mapping of at least one branch name to branch)",
            "combine: missing (expected: all, first, or a mapping with one of: all: {}, first: {},"
                + " mean: {output}, weighted-mean: {output}, vote: {output}, max: {output, column,"
                + " score-output, label-output})");
  }

  @Test
  void aBranchWeightIsFiniteAndAtLeastZero() {
    assertThat(violations(() -> new Branch(M, null, true, Double.NaN, null)))
        .containsExactly("weight: NaN (expected: a finite number >= 0)");
    Branch defaults = Branch.of(M);
    assertThat(defaults.policy()).isEqualTo(EnsembleOptions.BranchPolicy.REQUIRED);
    assertThat(defaults.weight()).isEqualTo(1.0);
    assertThat(defaults.active()).isTrue();
  }

  @Test
  void aSwitchChecksRuleNamesRulesAndZone() {
    Condition yes = Condition.parse("true");

    assertThat(violations(() -> new Rule(M, " ", yes)))
        .containsExactly("name: ' ' (expected: a non-blank name)");
    assertThat(violations(() -> new Rule(M, "default", yes)))
        .containsExactly("name: 'default' (expected: each rule name once, not 'default')");
    assertThat(violations(() -> new Rule(M, "a", Condition.parse("outputs.s.x[0] > 1"))))
        .containsExactly(
            "when: 'outputs.s.x[0] > 1' (expected: a rule on headers, parameters, inputs or"
                + " time; outputs.STEP is read only by sequence steps)");
    assertThat(violations(() -> new Rule(M, null, null)))
        .containsExactly("when: missing (expected: a rule such as inputs.x[0] > 2.5)");
    assertThat(
            violations(
                () ->
                    new SwitchOptions(
                        List.of(new Rule(M, "a", yes), new Rule(M, "a", yes)),
                        null,
                        "Nowhere/City")))
        .containsExactly(
            "rules[1].name: 'a' (expected: each rule name once, not 'default')",
            "default: missing (expected: a graph node, answering when no rule holds)",
            "zone: 'Nowhere/City' (expected: a time zone such as UTC, Europe/Berlin or +02:00)");
    assertThat(new SwitchOptions(null, M, null).zone()).isEqualTo(SwitchOptions.DEFAULT_ZONE);
    assertThat(new SwitchOptions(List.of(), M, "+02:00").zone()).isEqualTo("+02:00");
  }

  @Test
  void aRuleWithoutANameIsNamedByItsIndex() {
    Condition yes = Condition.parse("true");

    assertThat(
            new SwitchOptions(List.of(new Rule(M, "gold", yes), new Rule(M, null, yes)), M, null)
                .rules())
        .extracting(Rule::name)
        .containsExactly("gold", "rules[1]");
  }

  @Test
  void aCascadeChecksItsStages() {
    Accept accept = new Accept("p", 0.9);

    assertThat(
            violations(
                () ->
                    new CascadeOptions(
                        List.of(new Stage(M, "a", null), new Stage(M, "a", accept)), " ")))
        .containsExactly(
            "stages[0].accept: missing (expected: {output, threshold} on every stage but the"
                + " last)",
            "stages[1].name: 'a' (expected: each stage name once)",
            "stages[1].accept: not allowed on the last stage (expected: none; the last stage"
                + " answers every row left)",
            "stage-output: ' ' (expected: a non-blank name)");
    assertThat(violations(() -> new CascadeOptions(List.of(new Stage(M, "a", null)), null)))
        .containsExactly("stages: 1 stage (expected: at least 2)");
    assertThat(violations(() -> new Stage(M, "a.b", null)))
        .containsExactly(
            "name: 'a.b' (expected: a stage name of 1 to 128 letters, digits, '_' or '-')");
    assertThat(violations(() -> new Stage(M, null, null)))
        .containsExactly(
            "name: missing (expected: a stage name of 1 to 128 letters, digits, '_' or '-')");
  }

  @Test
  void anAcceptThresholdIsFinite() {
    assertThat(violations(() -> new Accept("p", Double.POSITIVE_INFINITY)))
        .containsExactly("threshold: Infinity (expected: a finite number)");
    assertThat(violations(() -> new Accept(null, null)))
        .containsExactly(
            "output: missing (expected: the name of a stage output)",
            "threshold: missing (expected: a number, such as 0.9)");
  }

  @Test
  void aRemoteChecksItsUrlAndLimits() {
    assertThat(
            violations(
                () ->
                    new RemoteOptions(
                        "http://h:8080/?q=1", " ", "", Duration.ZERO, 0, Duration.ofMillis(-1))))
        .containsExactly(
            "url: 'http://h:8080/?q=1' (expected: an http or https URL of the server, such as"
                + " http://10.0.0.5:8080)",
            "model: ' ' (expected: a non-blank name)",
            "version: '' (expected: a non-blank name)",
            "connect-timeout: 0s (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, > 0)",
            "max-attempts: 0 (expected: an integer from 1 to 10)",
            "retry-backoff: -1ms (expected: a duration such as 250ms, 2s, 5m, 1h or PT2S, >= 0)");
    assertThat(violations(() -> RemoteOptions.of("localhost:8080", "m")))
        .singleElement()
        .asString()
        .startsWith("url: 'localhost:8080'");
    assertThat(RemoteOptions.of("HTTPS://h", "m").url()).isEqualTo("HTTPS://h");
    RemoteOptions defaults = RemoteOptions.of("http://h", "m");
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(defaults.maxAttempts()).isEqualTo(2);
    assertThat(defaults.retryBackoff()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void aModelNodeChecksItsNameVersionAndOutputs() {
    assertThat(violations(() -> new ModelOptions("..", "0", List.of("a", " "))))
        .containsExactly(
            "name: '..' (expected: a model or graph name of 1 to 128 letters, digits, '_', '.' or"
                + " '-', not starting with '.')",
            "version: '0' (expected: a positive integer such as 1 or \"2\")",
            "outputs[1]: ' ' (expected: a non-blank name)");
  }

  @Test
  void aTransformNodeNeedsAStep() {
    assertThat(violations(() -> new TransformOptions(List.of())))
        .containsExactly("[] (expected: a non-empty list of transform steps)");
  }

  @Test
  void aTensorRefSplitsAtTheFirstDot() {
    assertThat(TensorRef.parse("request.a.b")).isEqualTo(new TensorRef("request", "a.b"));
    assertThat(TensorRef.parse("prep.x").toString()).isEqualTo("prep.x");
    assertThat(TensorRef.request("x")).isEqualTo(new TensorRef("request", "x"));
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
    assertThat(violations(() -> new CombinerConfig.Vote(null)))
        .containsExactly("output: missing (expected: the name of an output of the branches)");
    assertThat(violations(() -> new CombinerConfig.Max("p", 0, null, "score")))
        .containsExactly("label-output: 'score' (expected: a name other than score-output)");
    assertThat(CombinerConfig.Max.of("p"))
        .isEqualTo(new CombinerConfig.Max("p", 0, "score", "label"));
  }
}
