package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static io.mlsys.graph.TestModels.sequence;
import static io.mlsys.graph.TestModels.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SequenceNodeTest {
  private final TestModels models = new TestModels();
  private final InferRequest request =
      new InferRequest(
          "req-1", List.of(floats("x", new long[] {1, 2}, 1, 2)), List.of(), Map.of("k", "v"));

  private InferResponse infer(NodeConfig root) {
    return models.graphs("g", root).predictor("g").infer(request, CallContext.of(models.clock));
  }

  @Test
  void eachStepReadsThePreviousOutputsAndTheLastAnswers() {
    models.plus("a", "y", 1);
    models.plus("b", "z", 10);
    models.plus("c", "w", 100);

    InferResponse answer =
        infer(sequence(step("a", model("a")), step("b", model("b")), step("c", model("c"))));

    assertThat(answer.outputs()).hasSize(1);
    assertThat(answer.outputs().getFirst().name()).isEqualTo("w");
    assertThat(answer.outputs().getFirst().floats()).containsExactly(112, 113);
    assertThat(answer.modelName()).isEqualTo("g");
    assertThat(answer.modelVersion()).isEqualTo("1");
    assertThat(answer.id()).isEqualTo("req-1");
  }

  @Test
  void requestParametersReachEveryStep() {
    List<Object> seen = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      models.stub(
          name,
          (call, context) -> {
            seen.add(call.parameters().get("k"));
            return TestModels.answer(name, call, call.inputs().toArray(Tensor[]::new));
          });
    }

    infer(sequence(step("a", model("a")), step("b", model("b"))));

    assertThat(seen).containsExactly("v", "v");
  }

  @Test
  void aStepWhoseConditionIsFalseIsSkippedAndTheNextReadsTheLastStepThatRan() {
    models.plus("a", "y", 1);
    StubModel skipped = models.plus("b", "z", 10);
    models.plus("c", "w", 100);
    Condition never = Condition.parse("false");

    InferResponse answer =
        infer(
            sequence(
                step("a", model("a")),
                step("b", model("b"), never, Map.of(), true),
                step("c", model("c"))));

    assertThat(skipped.calls()).isZero();
    assertThat(answer.outputs().getFirst().floats()).containsExactly(102, 103);
  }

  @Test
  void anInactiveStepIsSkipped() {
    models.plus("a", "y", 1);
    StubModel inactive = models.plus("b", "z", 10);

    InferResponse answer =
        infer(sequence(step("a", model("a")), step("b", model("b"), null, Map.of(), false)));

    assertThat(inactive.calls()).isZero();
    assertThat(answer.outputs().getFirst().name()).isEqualTo("y");
  }

  @Test
  void whenNoStepRunsTheRequestInputsAreTheAnswer() {
    models.plus("a", "y", 1);

    InferResponse answer = infer(sequence(step("a", model("a"), null, Map.of(), false)));

    assertThat(answer.outputs()).containsExactlyElementsOf(request.inputs());
  }

  @Test
  void boundInputsReadTheRequestAndEarlierStepsByName() {
    models.plus("a", "y", 1);
    List<List<String>> seen = new ArrayList<>();
    models.stub(
        "b",
        (call, context) -> {
          seen.add(call.inputs().stream().map(Tensor::name).toList());
          return TestModels.answer("b", call, call.inputs().toArray(Tensor[]::new));
        });

    InferResponse answer =
        infer(
            sequence(
                step("a", model("a")),
                step(
                    "b",
                    model("b"),
                    null,
                    Map.of(
                        "original", new TensorRef("request", "x"),
                        "plus", new TensorRef("a", "y")),
                    true)));

    assertThat(seen).containsExactly(List.of("original", "plus"));
    assertThat(answer.output("original").orElseThrow().floats()).containsExactly(1, 2);
    assertThat(answer.output("plus").orElseThrow().floats()).containsExactly(2, 3);
  }

  @Test
  void readingTheOutputOfASkippedStepIsAnInvalidInputNamingTheBinding() {
    models.plus("a", "y", 1);
    models.echo("b");
    Condition never = Condition.parse("false");
    NodeConfig root =
        sequence(
            step("a", model("a"), never, Map.of(), true),
            step("b", model("b"), null, Map.of("in", new TensorRef("a", "y")), true));

    assertThatThrownBy(() -> infer(root))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "graphs.g.sequence[b].inputs.in: 'a.y' does not exist: step 'a' was skipped"
                + " (expected: a step that ran)");
  }

  @Test
  void aConditionReadsTheOutputOfAnEarlierStep() {
    models.stub(
        "classify",
        (call, context) ->
            TestModels.answer(
                "classify", call, Tensor.ofStrings("label", new long[] {1}, "virginica")));
    StubModel explain = models.echo("explain");
    Condition virginica = Condition.parse("outputs.classify.label[0] == 'virginica'");

    InferResponse answer =
        infer(
            sequence(
                step("classify", model("classify")),
                step("explain", model("explain"), virginica, Map.of(), true)));

    assertThat(explain.calls()).isEqualTo(1);
    assertThat(answer.outputs().getFirst().strings()).containsExactly("virginica");
  }

  @Test
  void anErrorInsideAStepKeepsItsTypeAndNamesTheStep() {
    models.plus("a", "y", 1);
    InvalidInputException original = new InvalidInputException("y", "too large (expected: < 1)");
    models.stub(
        "b",
        (call, context) -> {
          throw original;
        });

    assertThatThrownBy(() -> infer(sequence(step("a", model("a")), step("b", model("b")))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("graphs.g.sequence[b]: y: too large (expected: < 1)")
        .hasCause(original)
        .extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("graphs.g.sequence[b]");
  }
}
