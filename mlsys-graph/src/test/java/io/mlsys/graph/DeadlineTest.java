package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlsys.core.CallContext;
import io.mlsys.core.DeadlineExceededException;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  private final TestModels models = new TestModels();
  private final InferRequest request = InferRequest.of(floats("x", new long[] {1}, 1));
  private final List<Instant> deadlines = new ArrayList<>();

  private StubModel recording(String name, Duration advance) {
    return models.stub(
        name,
        (call, context) -> {
          deadlines.add(context.deadline());
          models.clock.advance(advance);
          return TestModels.answer(name, call, call.inputs().toArray(Tensor[]::new));
        });
  }

  private static NodeConfig sequence(Duration firstTimeout) {
    return TestModels.sequence(
        TestModels.step("a", new NodeConfig(ModelOptions.of("a"), firstTimeout)),
        TestModels.step("b", TestModels.model("b")));
  }

  private CallContext within(Duration budget) {
    return CallContext.of(models.clock).withTimeout(budget);
  }

  @Test
  void aStepIsNotStartedWhenTheBudgetIsGone() {
    recording("a", Duration.ofMillis(150));
    StubModel b = recording("b", Duration.ZERO);
    Predictor graph = models.graphs("g", sequence(null)).predictor("g");

    assertThatThrownBy(() -> graph.infer(request, within(Duration.ofMillis(100))))
        .isInstanceOf(DeadlineExceededException.class)
        .extracting(e -> ((DeadlineExceededException) e).where())
        .isEqualTo("graphs.g.sequence[b]");
    assertThat(b.calls()).isZero();
  }

  @Test
  void aCallWithNoBudgetLeftFailsAtTheGraph() {
    StubModel a = recording("a", Duration.ZERO);
    recording("b", Duration.ZERO);
    CallContext spent = within(Duration.ofMillis(10));
    models.clock.advance(Duration.ofMillis(10));

    assertThatThrownBy(
            () -> models.graphs("g", sequence(null)).predictor("g").infer(request, spent))
        .isInstanceOf(DeadlineExceededException.class)
        .extracting(e -> ((DeadlineExceededException) e).where())
        .isEqualTo("graphs.g");
    assertThat(a.calls()).isZero();
  }

  @Test
  void aNodeGetsTheEarlierOfItsTimeoutAndTheCallersDeadline() {
    recording("a", Duration.ZERO);
    recording("b", Duration.ZERO);
    Instant now = models.clock.instant();

    models
        .graphs("g", sequence(Duration.ofMillis(50)))
        .predictor("g")
        .infer(request, within(Duration.ofSeconds(1)));

    assertThat(deadlines).containsExactly(now.plusMillis(50), now.plusSeconds(1));
  }

  @Test
  void aChangedTimeoutParameterAppliesToTheNextCall() {
    recording("a", Duration.ZERO);
    recording("b", Duration.ZERO);
    Graphs graphs = models.graphs("g", sequence(null));
    graphs.setParameters("g", Map.of("sequence.a.timeout", "20ms"), "ops");
    Instant now = models.clock.instant();

    graphs.predictor("g").infer(request, CallContext.of(models.clock));

    assertThat(deadlines).containsExactly(now.plusMillis(20), null);
  }

  @Test
  void aDeadlineInsideAModelNamesTheNodeAndWhatWasLate() {
    models.stub(
        "a",
        (call, context) -> {
          throw new DeadlineExceededException("onnx a");
        });
    recording("b", Duration.ZERO);

    assertThatThrownBy(
            () ->
                models
                    .graphs("g", sequence(null))
                    .predictor("g")
                    .infer(request, CallContext.of(models.clock)))
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessage("deadline exceeded at graphs.g.sequence[a]: onnx a");
  }
}
