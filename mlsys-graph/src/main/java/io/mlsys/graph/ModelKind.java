package io.mlsys.graph;

import io.mlsys.core.RequestedOutput;
import io.mlsys.graph.spi.GraphRef;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.util.List;
import java.util.Optional;

/**
 * {@code model}: a model of this server, resolved by name on every call ({@link ModelNode}), or,
 * when the name is another graph of the generation, a call of that graph ({@link GraphCallNode}).
 */
public final class ModelKind implements NodeKind<ModelOptions> {

  @Override
  public String name() {
    return "model";
  }

  @Override
  public Class<ModelOptions> optionsType() {
    return ModelOptions.class;
  }

  @Override
  public Node compile(ModelOptions model, NodeCompiler compiler) {
    Place place = compiler.place();
    List<RequestedOutput> outputs = model.outputs().stream().map(RequestedOutput::named).toList();
    Optional<GraphRef> graph = compiler.graph(model.name(), place.config("model"));
    if (graph.isPresent()) {
      if (model.version() != null && !model.version().equals(Graphs.VERSION)) {
        compiler.invalid(
            place.config("model.version"),
            model.version(),
            "null or \"" + Graphs.VERSION + "\": '" + model.name() + "' is a graph");
      }
      return new GraphCallNode(place, graph.get(), outputs);
    }
    if (!compiler.models().contains(model.name())) {
      compiler.invalid(
          place.config("model"),
          model.name(),
          "the name of a model, or of a graph: " + compiler.graphs());
    }
    compiler.requireModel(model.name(), model.version());
    return new ModelNode(place, model.name(), model.version(), outputs, compiler.models());
  }
}
