package io.mlsys.graph.spi;

import io.mlsys.config.ConfigException;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.ModelLookup;
import io.mlsys.graph.NodeConfig;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * What a {@link NodeKind} compiles one node with: its place, its children, its runtime parameters,
 * the models and graphs of the generation, and the violations found. Valid during {@link
 * NodeKind#compile} only.
 */
public interface NodeCompiler {

  /** Where the node being compiled sits. */
  Place place();

  /**
   * Compiles a child node at {@code place} (made with {@link Place#child}), with its own {@code
   * timeout} parameter, whatever its kind.
   */
  GraphNode child(NodeConfig node, Place place);

  /**
   * Declares an {@code active} runtime parameter at {@code path} (relative to the graph, such as
   * {@code place().parameter("sequence.a.active")}): a Boolean a caller may change while the graph
   * serves.
   *
   * @return its slot, for {@link ParameterState#active}
   */
  int activeParameter(String path, boolean initial);

  /**
   * Declares a {@code weight} runtime parameter: a number {@code >= 0}.
   *
   * @return its slot, for {@link ParameterState#number}
   */
  int weightParameter(String path, double initial);

  /**
   * Declares a {@code threshold} runtime parameter: a finite number.
   *
   * @return its slot, for {@link ParameterState#number}
   */
  int thresholdParameter(String path, double initial);

  /**
   * Declares that the weights at {@code slots} may not all become 0 (a change that would make them
   * so is refused, naming {@code parameters.<path>}).
   */
  void weightGroup(String path, int[] slots);

  /** The models of the server; a node resolves its model on every call, not now. */
  ModelLookup models();

  /** Makes the graph ready only when that model (version null: the default) is ready. */
  void requireModel(String name, String version);

  /** The names of the generation's graphs, in config order. */
  Set<String> graphs();

  /**
   * Another graph of the generation, when {@code name} is one: the call is recorded (a cycle of
   * graphs calling graphs is a violation at {@code path}), and this graph is ready only when that
   * one is.
   */
  Optional<GraphRef> graph(String name, String path);

  /** What every graph of the generation shares (clock, remote client options, audit log). */
  GraphOptions options();

  /** The generation's virtual-thread factory, for nodes that run children in parallel. */
  ThreadFactory threads();

  /**
   * A resource the generation shares, made once per {@code type} and {@code key} (a record of what
   * makes one distinct, such as a URL and its client options) and closed when the generation
   * closes, or when the build fails.
   */
  <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> create);

  /** Reports {@code path: problem}. */
  void violation(String path, String problem);

  /** Reports {@code path: <value> (expected: <expected>)}, a string value quoted. */
  void invalid(String path, Object value, String expected);

  /** Reports a nested exception's violations, their paths under {@code path}. */
  void violations(String path, ConfigException nested);
}
