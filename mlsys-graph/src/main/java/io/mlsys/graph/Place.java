package io.mlsys.graph;

/**
 * Where a node sits in its graph, in the three spellings the engine needs.
 *
 * @param graph the graph's name
 * @param path for errors, brackets for names: {@code graphs.iris.ensemble.branches[setosa]}
 * @param configPath the config key of the node's place: {@code
 *     graphs.iris.ensemble.branches.setosa}
 * @param parameterPath the prefix of its runtime parameters, relative to the graph: {@code
 *     ensemble.branches.setosa}; empty for the root
 * @param timeoutSlot its {@code timeout} in the graph's {@link ParameterState}
 */
record Place(String graph, String path, String configPath, String parameterPath, int timeoutSlot) {

  /** A parameter of this place: {@code ensemble.branches.setosa.weight}, or {@code timeout}. */
  String parameter(String key) {
    return parameterPath.isEmpty() ? key : parameterPath + "." + key;
  }

  /** The config key of something inside this place: {@code graphs.g.sequence.a.model}. */
  String config(String key) {
    return configPath + "." + key;
  }
}
