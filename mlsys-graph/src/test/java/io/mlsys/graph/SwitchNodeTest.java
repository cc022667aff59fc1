package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.InvalidInputException;
import io.mlsys.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwitchNodeTest {
  private final TestModels models = new TestModels();
  private final InferRequest row = InferRequest.of(floats("x", new long[] {1, 4}, 1, 2, 3, 4));

  @BeforeEach
  void models() {
    for (String name : List.of("gold", "standard")) {
      models.stub(
          name,
          (call, context) ->
              TestModels.answer(name, call, Tensor.ofStrings("served_by", new long[] {1}, name)));
    }
  }

  private static NodeConfig route(String zone, Condition when) {
    return NodeConfig.of(
        new SwitchOptions(
            List.of(new SwitchOptions.Rule(model("gold"), "gold", when)), model("standard"), zone));
  }

  private InferResponse infer(NodeConfig root, InferRequest request, Map<String, String> headers) {
    CallContext context = new CallContext(models.clock, null, headers, "t", Map.of());
    return models.graphs("g", root).predictor("g").infer(request, context);
  }

  @Test
  void theFirstRuleThatHoldsAnswersAndNamesItsRoute() {
    NodeConfig root = route(null, Condition.parse("headers['x-tier'] == 'gold'"));

    InferResponse answer = infer(root, row, Map.of("X-Tier", "gold"));

    assertThat(answer.outputs().getFirst().strings()).containsExactly("gold");
    assertThat(answer.parameters()).containsEntry("route", "gold");
  }

  @Test
  void whenNoRuleHoldsTheDefaultAnswers() {
    NodeConfig root = route(null, Condition.parse("headers['x-tier'] == 'gold'"));

    InferResponse answer = infer(root, row, Map.of());

    assertThat(answer.outputs().getFirst().strings()).containsExactly("standard");
    assertThat(answer.parameters()).containsEntry("route", "default");
  }

  @Test
  void aRuleReadsRequestParameters() {
    NodeConfig root =
        route(null, Condition.parse("'priority' in parameters && parameters.priority > 2.5"));
    InferRequest urgent = new InferRequest(null, row.inputs(), List.of(), Map.of("priority", 3L));

    assertThat(infer(root, urgent, Map.of()).parameters()).containsEntry("route", "gold");
    assertThat(infer(root, row, Map.of()).parameters()).containsEntry("route", "default");
  }

  @Test
  void aRuleReadsAnElementOfAnInputTensor() {
    NodeConfig root = route(null, Condition.parse("inputs.x[0][2] > 2.5"));
    InferRequest small = InferRequest.of(floats("x", new long[] {1, 4}, 5.1f, 3.5f, 1.4f, 0.2f));

    assertThat(infer(root, row, Map.of()).parameters()).containsEntry("route", "gold");
    assertThat(infer(root, small, Map.of()).parameters()).containsEntry("route", "default");
  }

  @Test
  void anIndexOutOfRangeIsAnInvalidInputNamingTheRule() {
    NodeConfig root = route(null, Condition.parse("inputs.x[0][9] > 2.5"));

    assertThatThrownBy(() -> infer(root, row, Map.of()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "graphs.g.switch.rules[0].when: 'inputs.x[0][9] > 2.5': Index out of bounds: 9"
                + " (expected: indices within the shapes of the tensors it reads)");
  }

  @Test
  void timeIsTheClocksTimeOfDayInTheSwitchZone() {
    // The test clock says 10:00 UTC, which is 11:00 in Berlin in January.
    Condition morning = Condition.parse("time >= duration('11h') && time < duration('12h')");

    assertThat(infer(route("Europe/Berlin", morning), row, Map.of()).parameters())
        .containsEntry("route", "gold");
    assertThat(infer(route("UTC", morning), row, Map.of()).parameters())
        .containsEntry("route", "default");
  }

  @Test
  void inMatchesAnyOfItsChoices() {
    Condition premium = Condition.parse("headers['x-tier'] in ['gold', 'platinum']");

    assertThat(infer(route(null, premium), row, Map.of("x-tier", "platinum")).parameters())
        .containsEntry("route", "gold");
  }

  @Test
  void anInactiveRuleNeverMatches() {
    Graphs graphs = models.graphs("g", route(null, Condition.parse("true")));
    graphs.setParameters("g", Map.of("switch.rules[0].active", false), "ops");

    InferResponse answer = graphs.predictor("g").infer(row, CallContext.of(models.clock));

    assertThat(answer.parameters()).containsEntry("route", "default");
  }
}
