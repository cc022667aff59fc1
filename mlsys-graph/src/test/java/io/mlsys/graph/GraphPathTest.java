package io.mlsys.graph;

import static io.mlsys.graph.TestModels.floats;
import static io.mlsys.graph.TestModels.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.mlsys.config.CombinerConfig;
import io.mlsys.config.Condition;
import io.mlsys.config.NodeConfig;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.Tensor;
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
    NodeConfig root =
        new NodeConfig.Sequence(
            List.of(
                new NodeConfig.Step("first", model("a"), null, Map.of(), true),
                new NodeConfig.Step("second", model("b"), null, Map.of(), true)),
            null);
    CallContext caller = CallContext.of(models.clock).with(CallAttribute.CALLER, "alice");

    models
        .graphs("g", root)
        .predictor("g")
        .infer(
            new InferRequest("r", List.of(floats("x", new long[] {1, 1}, 1)), List.of(), Map.of()),
            caller);

    assertThat(paths).containsExactly("graphs.g.sequence[first]", "graphs.g.sequence[second]");
    assertThat(callers).containsExactly("alice", "alice");
  }

  private static NodeConfig.Switch routeTo(String ruleName, NodeConfig node) {
    return new NodeConfig.Switch(
        List.of(new NodeConfig.Rule(ruleName, Condition.parse("true"), node)),
        model("never"),
        null,
        null);
  }

  @Test
  void nestedRoutesJoinOutermostFirstAndEnsembleBranchesAreQualified() {
    models.plus("a", "y", 1);
    models.plus("never", "y", 0);
    InferRequest request =
        new InferRequest("r", List.of(floats("x", new long[] {1, 1}, 1)), List.of(), Map.of());

    var nested =
        models
            .graphs("g", routeTo("premium", routeTo("svc", model("a"))))
            .predictor("g")
            .infer(request, CallContext.of(models.clock));
    assertThat(nested.parameters()).containsEntry("route", "premium/svc");

    var fanOut =
        models
            .graphs(
                "e",
                new NodeConfig.Ensemble(
                    List.of(
                        new NodeConfig.Branch(
                            "left", routeTo("svc", model("a")), null, true, 1, null)),
                    new CombinerConfig.First(),
                    null))
            .predictor("e")
            .infer(request, CallContext.of(models.clock));
    assertThat(fanOut.parameters())
        .containsEntry("branch", "left")
        .containsEntry("left.route", "svc");
  }
}
