package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.ForwardingModel;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Tensor;
import io.mlsys.testing.StubModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where a call is in a graph: every node it enters names itself in {@link
 * CallAttribute#GRAPH_PATH}, and the response parameters of nested nodes merge by one rule.
 */
class GraphPathTest {
  private final TestModels models = new TestModels();
  private final InferRequest request =
      new InferRequest("r", List.of(floats("x", new long[] {1, 1}, 1)), List.of(), Map.of());

  private InferResponse infer(String yaml, CallContext context) {
    return Graphs.create(TestModels.parse(yaml), models, models.options())
        .predictor("g")
        .infer(request, context);
  }

  @Test
  void aModelSeesThePathOfTheNodeThatCallsItAndTheCallersAttributesStay() {
    List<String> paths = new ArrayList<>();
    List<String> callers = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      models.stub(
          name,
          (call, context) -> {
            paths.add(context.attribute(CallAttribute.GRAPH_PATH).orElse("none"));
            callers.add(context.attribute(CallAttribute.CALLER).orElse("none"));
            return TestModels.answer(name, call, call.inputs().toArray(Tensor[]::new));
          });
    }

    infer(
        """
        graphs:
          g:
            sequence:
              first: { model: a }
              second: { model: b }
        """,
        CallContext.of(models.clock).with(CallAttribute.CALLER, "alice"));

    assertThat(paths).containsExactly("graphs.g.sequence[first]", "graphs.g.sequence[second]");
    assertThat(callers).containsExactly("alice", "alice");
  }

  @Test
  void aModelThatDoesNotReadThePathGetsTheCallersContextAsItIs() {
    List<CallContext> seen = new ArrayList<>();
    StubModel inner =
        new StubModel(
            TestModels.metadata("quiet", List.of(), List.of()),
            (call, context) -> {
              seen.add(context);
              return TestModels.answer("quiet", call, call.inputs().toArray(Tensor[]::new));
            });
    models.add(
        new ForwardingModel(inner) {
          @Override
          public boolean readsGraphPath() {
            return false;
          }
        });
    CallContext caller = CallContext.of(models.clock);

    infer(
        """
        graphs:
          g:
            sequence:
              only: { model: quiet }
        """,
        caller);

    // No context made for it: a graph of such models costs no allocation per model call.
    assertThat(seen).singleElement().isSameAs(caller);
  }

  @Test
  void nestedRoutesJoinOutermostFirstAndEnsembleBranchesAreQualified() {
    models.plus("a", "y", 1);
    models.plus("never", "y", 0);

    InferResponse nested =
        infer(
            """
            graphs:
              g:
                switch:
                  rules:
                    - name: premium
                      when: "true"
                      switch:
                        rules: [ { name: svc, when: "true", model: a } ]
                        default: { model: never }
                  default: { model: never }
            """,
            CallContext.of(models.clock));
    InferResponse fanOut =
        infer(
            """
            graphs:
              g:
                ensemble:
                  branches:
                    left:
                      switch:
                        rules: [ { name: svc, when: "true", model: a } ]
                        default: { model: never }
                  combine: first
            """,
            CallContext.of(models.clock));

    assertThat(nested.parameters()).containsEntry("route", "premium/svc");
    assertThat(fanOut.parameters())
        .containsEntry("branch", "left")
        .containsEntry("left.route", "svc");
  }
}
