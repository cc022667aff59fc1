package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.transform.TransformPipeline;

/** {@code transform}: declarative pre/post-processing steps (mlsys-transform). */
public final class TransformKind implements NodeKind<TransformOptions> {

  @Override
  public String name() {
    return "transform";
  }

  @Override
  public Class<TransformOptions> optionsType() {
    return TransformOptions.class;
  }

  @Override
  public Node compile(TransformOptions transform, NodeCompiler compiler) {
    TransformPipeline pipeline = null;
    try {
      pipeline = TransformPipeline.compile(transform.steps());
    } catch (ConfigException e) {
      compiler.violations(compiler.place().config("transform"), e);
    }
    return new TransformNode(compiler.place(), pipeline);
  }
}
