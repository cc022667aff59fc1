package io.mlsys.graph;

import io.mlsys.config.ConfigFamily;
import io.mlsys.graph.spi.NodeOptions;
import java.util.Map;

/**
 * Graph node kinds as config knows them: a {@link NodeConfig} holds one installed {@link
 * io.mlsys.graph.spi.NodeKind}, its name as the key ({@code {sequence: {...}}}) and its value bound
 * to the kind's options record. The kinds are those {@link NodeKinds#installed()} finds, so a kind
 * added in any module is bindable without a change to mlsys-graph or mlsys-config.
 */
public final class NodeFamily implements ConfigFamily<NodeOptions> {
  private final Map<String, Class<? extends NodeOptions>> kinds = NodeKinds.installed().options();

  @Override
  public Class<NodeOptions> type() {
    return NodeOptions.class;
  }

  @Override
  public Map<String, Class<? extends NodeOptions>> kinds() {
    return kinds;
  }

  @Override
  public String description() {
    return "a graph node";
  }

  @Override
  public String placeholder() {
    return "<node>";
  }
}
