package io.mlsys.graph;

import static io.mlsys.graph.TestModels.branch;
import static io.mlsys.graph.TestModels.ensemble;
import static io.mlsys.graph.TestModels.model;
import static io.mlsys.graph.TestModels.node;
import static io.mlsys.graph.TestModels.sequence;
import static io.mlsys.graph.TestModels.spec;
import static io.mlsys.graph.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlsys.config.ConfigException;
import io.mlsys.config.ConfigViolation;
import io.mlsys.core.DataType;
import io.mlsys.graph.EnsembleOptions.BranchPolicy;
import io.mlsys.transform.TransformConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ValidationTest {
  private final TestModels models = new TestModels();

  @BeforeEach
  void models() {
    models.stub(
        "iris",
        List.of(spec("float_input", DataType.FP32, -1, 4)),
        List.of(spec("label", DataType.INT64, -1), spec("proba", DataType.FP32, -1, 2)),
        (request, context) -> TestModels.answer("iris", request));
    models.stub(
        "text",
        List.of(spec("text", DataType.BYTES, -1)),
        List.of(spec("emb", DataType.FP32, -1, 8)),
        (request, context) -> TestModels.answer("text", request));
    models.stub(
        "scores",
        List.of(spec("label", DataType.FP32, -1)),
        List.of(spec("score", DataType.FP32, -1)),
        (request, context) -> TestModels.answer("scores", request));
    models.stub(
        "loading",
        List.of(spec("z", DataType.BYTES, -1)),
        List.of(spec("w", DataType.FP32, -1)),
        (request, context) -> TestModels.answer("loading", request));
    models.markNotReady("loading");
  }

  private List<String> violations(Map<String, GraphConfig> graphs) {
    ConfigException error =
        catchThrowableOfType(ConfigException.class, () -> models.graphs(graphs));
    assertThat(error).as("a ConfigException").isNotNull();
    return error.violations().stream().map(ConfigViolation::toString).toList();
  }

  private List<String> violations(NodeConfig root) {
    return violations(Map.of("g", new GraphConfig(root)));
  }

  private static TestModels.NamedStep bound(
      String name, NodeConfig node, String input, String ref) {
    return step(name, node, null, Map.of(input, TensorRef.parse(ref)), true);
  }

  @Test
  void anUnknownModel() {
    assertThat(violations(model("nope")))
        .containsExactly(
            "graphs.g.model: 'nope' (expected: the name of a model, or of a graph: [g])");
  }

  @Test
  void aGraphNamedLikeAModel() {
    assertThat(violations(Map.of("iris", new GraphConfig(model("text")))))
        .containsExactly(
            "graphs.iris: 'iris' (expected: a name no model uses: graphs and models share one"
                + " namespace)");
  }

  @Test
  void graphsCallingEachOtherInACycle() {
    Map<String, GraphConfig> graphs = new LinkedHashMap<>();
    graphs.put("a", new GraphConfig(sequence(step("s", model("iris")), step("t", model("b")))));
    graphs.put("b", new GraphConfig(model("a")));
    graphs.put("c", new GraphConfig(model("c")));

    assertThat(violations(graphs))
        .containsExactly(
            "graphs.a.sequence.t.model: 'b' (expected: a graph that does not call back into 'a'"
                + " (cycle: a -> b -> a))",
            "graphs.b.model: 'a' (expected: a graph that does not call back into 'b'"
                + " (cycle: b -> a -> b))",
            "graphs.c.model: 'c' (expected: a graph that does not call back into 'c'"
                + " (cycle: c -> c))");
  }

  @Test
  void anOutputTheModelDoesNotHave() {
    assertThat(violations(TestModels.model("iris", "label", "nope")))
        .containsExactly(
            "graphs.g.model.outputs[1]: 'nope' (expected: an output of model 'iris': [label,"
                + " proba])");
  }

  @Test
  void aStepReadingATensorThePreviousStepDoesNotAnswer() {
    assertThat(violations(sequence(step("a", model("iris")), step("b", model("text")))))
        .containsExactly(
            "graphs.g.sequence.b.model: model 'text' reads input 'text', which it does not get"
                + " (expected: one of [label, proba])");
  }

  @Test
  void aStepReadingATensorOfAnotherDatatype() {
    assertThat(violations(sequence(step("a", model("iris")), step("b", model("scores")))))
        .containsExactly(
            "graphs.g.sequence.b.model: model 'scores' reads input 'label' as INT64"
                + " (expected: FP32)");
  }

  @Test
  void aStepBindingATensorTheEarlierStepDoesNotAnswer() {
    assertThat(
            violations(
                sequence(step("a", model("iris")), bound("b", model("text"), "text", "a.words"))))
        .containsExactly(
            "graphs.g.sequence.b.inputs.text: 'a.words' (expected: a tensor step 'a' answers:"
                + " [label, proba])");
  }

  @Test
  void aCombinerOutputMissingFromABranch() {
    assertThat(
            violations(
                ensemble(
                    new CombinerConfig.Mean("proba"),
                    branch("i", model("iris")),
                    branch("t", model("text")))))
        .containsExactly(
            "graphs.g.ensemble.combine.mean.output: 'proba' (expected: an output every branch"
                + " answers; branch 't' answers [emb])");
  }

  @Test
  void aMaxColumnBeyondTheOutput() {
    assertThat(
            violations(
                ensemble(
                    new CombinerConfig.Max("proba", 2, null, null), branch("i", model("iris")))))
        .containsExactly(
            "graphs.g.ensemble.combine.max.column: 2 (expected: < 2: branch 'i' answers proba of"
                + " shape [-1, 2])");
  }

  @Test
  void everyWeightZeroForWeightedMean() {
    assertThat(
            violations(
                ensemble(
                    new CombinerConfig.WeightedMean("proba"),
                    branch("i", model("iris"), BranchPolicy.REQUIRED, true, 0, Map.of()))))
        .containsExactly(
            "graphs.g.ensemble.branches: every weight is 0 (expected: at least one weight > 0 for"
                + " weighted-mean)");
  }

  @Test
  void aRowComparedWithANumberIsAViolation() {
    // The rule syntax before CEL read inputs.x[0] of a [N, 4] tensor as x[0][0]; CEL reads a row.
    Condition rule = Condition.parse("inputs.float_input[0] > 2.5");

    assertThat(
            violations(
                node(
                    new SwitchOptions(
                        List.of(new SwitchOptions.Rule(model("iris"), "big", rule)),
                        model("iris"),
                        null))))
        .containsExactly(
            "graphs.g.switch.rules[0].when: 'inputs.float_input[0]' (expected: 2 indices to"
                + " compare one element: float_input has shape [-1, 4], and in CEL fewer indices"
                + " read a row)");
  }

  @Test
  void aRuleIndexBeyondTheShapeTheRoutesRead() {
    Condition rule = Condition.parse("inputs.float_input[0][7] > 2.5");

    assertThat(
            violations(
                node(
                    new SwitchOptions(
                        List.of(new SwitchOptions.Rule(model("iris"), "big", rule)),
                        model("iris"),
                        null))))
        .containsExactly(
            "graphs.g.switch.rules[0].when: 'inputs.float_input[0][7]' (expected: index 1 < 4:"
                + " float_input has shape [-1, 4])");
  }

  @Test
  void aBadTransform() {
    NodeConfig transform =
        node(
            TransformOptions.of(
                new TransformConfig.Scale(
                    "float_input", List.of(1.0, 2.0), List.of(1.0, 2.0, 3.0), null)));

    assertThat(violations(transform))
        .singleElement()
        .asString()
        .startsWith("graphs.g.transform[0].scale.std: ");
  }

  @Test
  void aCascadeWhoseStagesDoNotFit() {
    assertThat(
            violations(
                node(
                    new CascadeOptions(
                        List.of(
                            new CascadeOptions.Stage(
                                model("iris"), "first", new CascadeOptions.Accept("proba", 0.9)),
                            new CascadeOptions.Stage(
                                model("text"), "second", new CascadeOptions.Accept("nope", 0.9)),
                            new CascadeOptions.Stage(model("iris"), "third", null)),
                        "label"))))
        .containsExactly(
            "graphs.g.cascade.stage-output: 'label' (expected: a name no stage answers; stage"
                + " 'first' answers it)",
            "graphs.g.cascade.stages[1].accept.output: 'nope' (expected: an output of stage"
                + " 'second': [emb])",
            "graphs.g.cascade.stages[1]: stage 'second' answers [emb FP32] (expected: what stage"
                + " 'first' answers, [label INT64, proba FP32], to merge rows)");
  }

  @Test
  void aModelVersionThatDoesNotExist() {
    assertThat(violations(node(new ModelOptions("iris", "7", List.of()))))
        .containsExactly("graphs.g.model.version: '7' (expected: a version model 'iris' has)");
  }

  @Test
  void aModelThatIsNotReadySkipsTheChecksOfItsNode() {
    Graphs graphs =
        models.graphs("g", sequence(step("a", model("iris")), step("b", model("loading"))));

    assertThat(graphs.isReady("g")).isFalse();
  }

  @Test
  void everyViolationOfEveryGraphIsReportedAtOnce() {
    Map<String, GraphConfig> graphs = new LinkedHashMap<>();
    graphs.put(
        "one", new GraphConfig(sequence(step("a", model("iris")), step("b", model("text")))));
    graphs.put("two", new GraphConfig(model("nope")));
    graphs.put(
        "three",
        GraphConfig.of(
            TransformOptions.of(
                new TransformConfig.Scale("x", List.of(1.0, 2.0), List.of(1.0, 2.0, 3.0), null))));

    assertThat(violations(graphs))
        .extracting(v -> v.substring(0, v.indexOf(':')))
        .containsExactlyInAnyOrder(
            "graphs.one.sequence.b.model",
            "graphs.two.model",
            "graphs.three.transform[0].scale.std");
  }
}
