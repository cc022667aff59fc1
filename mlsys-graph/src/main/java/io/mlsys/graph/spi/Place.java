package io.mlsys.graph.spi;

import java.util.Objects;

/**
 * Where a node sits in its graph, in the three spellings the engine needs.
 *
 * @param graph the graph's name
 * @param path for errors, brackets for names: {@code graphs.iris.ensemble.branches[setosa]}
 * @param configPath the config key of the node's place: {@code
 *     graphs.iris.ensemble.branches.setosa}
 * @param parameterPath the prefix of its runtime parameters, relative to the graph: {@code
 *     ensemble.branches.setosa}; empty for the root
 */
public record Place(String graph, String path, String configPath, String parameterPath) {

  public Place {
    Objects.requireNonNull(graph, "graph");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(configPath, "configPath");
    Objects.requireNonNull(parameterPath, "parameterPath");
  }

  /** The place of a graph's root node: {@code graphs.<graph>}. */
  public static Place root(String graph) {
    return new Place(graph, "graphs." + graph, "graphs." + graph, "");
  }

  /** A parameter of this place: {@code ensemble.branches.setosa.weight}, or {@code timeout}. */
  public String parameter(String key) {
    return parameterPath.isEmpty() ? key : parameterPath + "." + key;
  }

  /** The config key of something inside this place: {@code graphs.g.sequence.a.model}. */
  public String config(String key) {
    return configPath + "." + key;
  }

  /**
   * The place of a child, each spelling relative to this one: {@code child("sequence[prep]",
   * "sequence.prep", "sequence.prep")}.
   */
  public Place child(String path, String config, String parameter) {
    return new Place(graph, this.path + "." + path, config(config), parameter(parameter));
  }

  /** The place of a child named alike in every spelling: {@code child("fallback.primary")}. */
  public Place child(String key) {
    return child(key, key, key);
  }
}
