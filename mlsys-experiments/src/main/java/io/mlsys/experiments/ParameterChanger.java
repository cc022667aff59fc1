package io.mlsys.experiments;

import java.util.Map;

/**
 * Changes a graph's runtime parameters as {@code PUT /v2/models/{graph}/parameters} does (checked,
 * applied atomically, one audit line per value): how a guardrail sets an arm's weight to 0. The
 * server sets one over its current graphs.
 */
@FunctionalInterface
public interface ParameterChanger {
  /**
   * @param graph the graph
   * @param changes parameter path to new value
   * @param who the audit's actor
   */
  void change(String graph, Map<String, Object> changes, String who);
}
