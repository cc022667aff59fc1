package io.mlsys.graph;

import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code sequence}: steps in order (microservice vertical), each with an {@code active} runtime
 * parameter, an optional {@code when} rule and optional {@code inputs} bindings.
 */
public final class SequenceKind implements NodeKind<SequenceOptions> {

  @Override
  public String name() {
    return "sequence";
  }

  @Override
  public Class<SequenceOptions> optionsType() {
    return SequenceOptions.class;
  }

  @Override
  public Node compile(SequenceOptions sequence, NodeCompiler compiler) {
    // The record checked names, and that inputs and conditions read only earlier steps.
    Place place = compiler.place();
    BuildViolations violations = BuildViolations.forwarding(compiler::violation);
    Map<String, Integer> earlier = new LinkedHashMap<>();
    List<SequenceNode.Step> steps = new ArrayList<>();
    boolean history = false;
    for (Map.Entry<String, SequenceOptions.Step> entry : sequence.steps().entrySet()) {
      String name = entry.getKey();
      SequenceOptions.Step step = entry.getValue();
      Place at = place.child("sequence[" + name + "]", "sequence." + name, "sequence." + name);
      int active = compiler.activeParameter(at.parameter("active"), step.active());
      GraphNode node = compiler.child(step.node(), at);
      Rules.Rule when = null;
      if (step.when() != null) {
        when = Rules.compile(step.when(), Map.copyOf(earlier), at.config("when"), violations);
        history |= step.when().uses(Condition.OUTPUTS);
      }
      SequenceNode.Binding[] bindings = null;
      if (!step.inputs().isEmpty()) {
        history = true;
        List<SequenceNode.Binding> list = new ArrayList<>();
        for (Map.Entry<String, TensorRef> input : new TreeMap<>(step.inputs()).entrySet()) {
          TensorRef ref = input.getValue();
          int source = ref.node().equals(TensorRef.REQUEST) ? -1 : earlier.get(ref.node());
          list.add(new SequenceNode.Binding(input.getKey(), source, ref.node(), ref.tensor()));
        }
        bindings = list.toArray(new SequenceNode.Binding[0]);
      }
      steps.add(new SequenceNode.Step(name, node, active, when, at.path() + ".when", bindings));
      earlier.put(name, earlier.size());
    }
    return new SequenceNode(place, steps.toArray(new SequenceNode.Step[0]), history);
  }
}
