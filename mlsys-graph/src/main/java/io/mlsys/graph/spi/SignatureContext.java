package io.mlsys.graph.spi;

import io.mlsys.graph.ModelLookup;

/**
 * What a node works out its signature with ({@link Node#outputs}, {@link Node#reads}): the models,
 * the other graphs, and where the mismatches go. When the graph's metadata is asked for after the
 * build, the same analysis runs again and the violations are dropped.
 */
public interface SignatureContext {

  /** The models of the server, for their signatures. */
  ModelLookup models();

  /** What another graph answers; {@link Flow#UNKNOWN} while it is being worked out (a cycle). */
  Flow outputs(GraphRef graph);

  /** What another graph reads from its request; open while it is being worked out (a cycle). */
  Demand reads(GraphRef graph);

  /** Reports {@code path: problem}. */
  void violation(String path, String problem);

  /** Reports {@code path: <value> (expected: <expected>)}, a string value quoted. */
  void invalid(String path, Object value, String expected);
}
