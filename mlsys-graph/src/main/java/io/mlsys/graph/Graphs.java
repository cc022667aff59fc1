package io.mlsys.graph;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.Predictor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every inference graph of one config generation, each served under its name like a model.
 * Thread-safe.
 *
 * <h2>Execution</h2>
 *
 * <p>A graph is a {@link Predictor}. Every node first checks the remaining budget (a {@link
 * io.mlsys.core.DeadlineExceededException} names the node when it is gone, so a step whose budget
 * is spent never starts) and passes down a context whose deadline is the earlier of its own {@code
 * timeout} and the caller's deadline. Node paths in errors use brackets: {@code
 * graphs.iris.ensemble.branches[setosa]}, {@code graphs.g.sequence[prep]}, {@code
 * graphs.g.switch.rules[0]}, {@code graphs.g.switch.default}, {@code
 * graphs.g.cascade.stages[light]}. An error raised by a model, remote model, transform or called
 * graph is rethrown as the same type with that node's path in front of the message (an {@link
 * io.mlsys.core.InvalidInputException}'s {@code field} becomes the node path, the original is its
 * cause). One exception: a model that is no longer found when a node calls it (the repository
 * changed after the graph was built) is a {@link io.mlsys.core.ModelNotReadyException}, because the
 * graph itself exists.
 *
 * <p>Node kinds are {@link io.mlsys.graph.spi.NodeKind}s found through {@link
 * java.util.ServiceLoader}: each compiles its options into a node, which says what it reads, what
 * it answers and how it is described, and calls its children through {@link
 * io.mlsys.graph.spi.GraphNode}, so a kind from another module composes with the built-in ones. The
 * built-in kinds: {@code model} (resolved by name on every call; a name that is another graph of
 * this generation calls that graph), {@code remote} (one shared client per distinct URL and
 * options, closed with this generation), {@code transform}, {@code sequence} (a step reads the
 * outputs of the last step that ran, or its {@code inputs}; a skipped step's outputs do not exist;
 * its {@code when} reads the sequence's request as {@code inputs} and earlier answers as {@code
 * outputs}; the answer is the last step that ran, or the request's inputs when none ran), {@code
 * ensemble} (branches on virtual threads; the caller runs the first active branch itself and then
 * any branch no virtual thread has started yet, except for {@code first}, which races every branch
 * on its own thread; a branch on its own thread is abandoned at its deadline, and an answer after
 * the deadline counts as a timeout), {@code switch} and {@code cascade}.
 *
 * <p>Response parameters: an ensemble answers {@code answered_by} (the branches whose answers were
 * combined, comma-separated, in branch order) and, for {@code first}, {@code branch}; a switch adds
 * {@code route} (the rule's name or {@code default}); a cascade adds {@code stage} when one stage
 * answered every row. Other nodes pass their last answer's parameters through. Outputs the client
 * names in the request filter the graph's answer.
 *
 * <h2>Runtime parameters</h2>
 *
 * <p>Paths are relative to the graph and follow its config keys, with stages by name and rules by
 * index:
 *
 * <ul>
 *   <li>{@code timeout} (the root node) and {@code PLACE.timeout} of every nested node: a duration
 *       string such as {@code "250ms"}, or null for none
 *   <li>{@code PLACE.active} of every sequence step, ensemble branch and switch rule: a boolean (an
 *       inactive rule never matches)
 *   <li>{@code PLACE.weight} of every ensemble branch: a number {@code >= 0}
 *   <li>{@code PLACE.threshold} of every cascade stage with an {@code accept}: a finite number
 * </ul>
 *
 * <p>where PLACE is {@code sequence.STEP}, {@code ensemble.branches.BRANCH}, {@code
 * switch.rules[I]}, {@code switch.default} or {@code cascade.stages.STAGE}, nested with dots (e.g.
 * {@code sequence.classify.ensemble.branches.a.weight}).
 */
public interface Graphs extends AutoCloseable {

  /**
   * Builds and validates every graph.
   *
   * <p>The config records already checked their own structure when they were built (names,
   * references to earlier steps, zones, remote options, a default route, cascade accepts); this
   * checks everything that needs the models, the other graphs and the transforms.
   *
   * @throws io.mlsys.config.ConfigException listing every violation, each with its path from {@code
   *     graphs.<name>}: options of no installed node kind, unknown models and versions, graph
   *     cycles, graph names shared with models, model outputs and bound tensors that the producing
   *     node does not answer, inputs a model reads that the node before does not answer (or answers
   *     with another datatype or shape), combiner outputs missing from a branch or not numeric, a
   *     {@code max} column beyond the output, weighted-mean weights all 0, cascade stages answering
   *     different outputs, bad transforms, rule indices beyond a known shape and times that are not
   *     {@code 'HH:MM[:SS]'}. A model whose metadata is not available (not ready) skips the
   *     signature checks of its node; the graph is then not ready until the model is.
   * @throws IllegalStateException when two installed node kinds share a name or an options record
   */
  static Graphs create(Map<String, GraphConfig> graphs, ModelLookup models, GraphOptions options) {
    return GraphCompiler.compile(graphs, NodeKinds.installed(), models, options);
  }

  /** No graphs. */
  static Graphs empty() {
    return DefaultGraphs.EMPTY;
  }

  /** The graph names, in config order. */
  Set<String> names();

  boolean contains(String name);

  /**
   * The graph as a predictor.
   *
   * @throws io.mlsys.core.ModelNotFoundException when there is no such graph
   */
  Predictor predictor(String name);

  /**
   * The graph's signature: platform {@value #PLATFORM}, version {@value #VERSION}; inputs are what
   * the graph reads from the request (as far as the models' signatures tell), outputs what it
   * answers; property {@code nodes} describes the node tree, {@code inputs.untyped} lists inputs
   * whose datatype no signature tells, {@code inputs.complete} / {@code outputs.complete} are
   * {@code false} when a remote node or a model that is not ready hides part of the signature.
   *
   * @throws io.mlsys.core.ModelNotFoundException when there is no such graph
   */
  ModelMetadata metadata(String name);

  /** Whether every local model the graph can call (also through other graphs) is ready. */
  boolean isReady(String name);

  /**
   * The runtime parameters of a graph (see the class documentation), path to current value, in node
   * order: Boolean, Double, or a duration String / null for timeouts.
   *
   * @throws io.mlsys.core.ModelNotFoundException when there is no such graph
   */
  Map<String, Object> parameters(String name);

  /**
   * Changes some runtime parameters atomically: either every change is valid and applied together
   * (a call in flight sees the old or the new values, never a mix), or none is. Logs one audit line
   * per changed value.
   *
   * @param changes path to new value: a Boolean for {@code active}, a number for {@code weight} (>=
   *     0; a weighted-mean ensemble keeps one weight > 0) and {@code threshold} (finite), a
   *     duration string such as {@code "250ms"} (> 0) or null for {@code timeout}
   * @param who the caller, for the audit line
   * @return the values that changed (setting a value to what it is changes nothing)
   * @throws io.mlsys.core.InvalidInputException naming {@code parameters.<path>} for an unknown
   *     path or a bad value
   * @throws io.mlsys.core.ModelNotFoundException when there is no such graph
   */
  List<ParameterChange> setParameters(String name, Map<String, Object> changes, String who);

  /** Closes the remote clients of this generation. */
  @Override
  void close();

  /** The platform of every graph's metadata. */
  String PLATFORM = "mlsys_graph";

  /** The version of every graph's metadata. */
  String VERSION = "1";

  /**
   * One runtime parameter that changed. A new config generation starts from its own config values;
   * the server compares generations with these records.
   */
  record ParameterChange(
      String graph, String path, Object oldValue, Object newValue, String who, Instant at) {}
}
