package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.config.NodeConfig;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.transform.TransformPipeline;

/** {@code transform}: declarative pre/post-processing steps (mlsys-transform). */
public final class TransformKind implements NodeKind<NodeConfig.Transform> {

  @Override
  public String name() {
    return "transform";
  }

  @Override
  public Class<NodeConfig.Transform> optionsType() {
    return NodeConfig.Transform.class;
  }

  @Override
  public Node compile(NodeConfig.Transform transform, NodeCompiler compiler) {
    TransformPipeline pipeline = null;
    try {
      pipeline = TransformPipeline.compile(transform.steps());
    } catch (ConfigException e) {
      compiler.violations(compiler.place().config("transform"), e);
    }
    return new TransformNode(compiler.place(), pipeline);
  }
}
