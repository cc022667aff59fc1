package io.mlsys.graph;

import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.RequestedOutput;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.GraphRef;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code model} node naming another graph of the same generation: it calls that graph, asking for
 * {@code outputs} (empty: all).
 */
record GraphCallNode(Place place, GraphRef target, List<RequestedOutput> outputs) implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    try {
      return target.infer(
          request.withOutputs(outputs), context.with(CallAttribute.GRAPH_PATH, place.path()));
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), target.name(), e);
    }
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    // Within a cycle (reported on its own), both are unknown and nothing is checked.
    Demand reads = signatures.reads(target);
    List<TensorSpec> typed = new ArrayList<>();
    reads.forEach(
        (name, spec) -> {
          if (spec != null) {
            typed.add(spec);
          }
        });
    Signatures.checkInputs(
        typed, in, place.config("model"), "graph '" + target.name() + "'", signatures);
    Flow out = signatures.outputs(target);
    if (outputs.isEmpty()) {
      return out;
    }
    List<TensorSpec> selected = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      String name = outputs.get(i).name();
      TensorSpec spec = out.spec(name);
      if (spec != null) {
        selected.add(spec);
      } else if (!out.open()) {
        signatures.invalid(
            place.config("model.outputs[" + i + "]"),
            name,
            "an output of graph '" + target.name() + "': " + out.specs().keySet());
      }
    }
    return new Flow(Flow.closed(selected).specs(), out.open());
  }

  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    return signatures.reads(target);
  }

  @Override
  public String describe() {
    return "graph " + target.name();
  }
}
