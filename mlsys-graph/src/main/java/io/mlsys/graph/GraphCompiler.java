package io.mlsys.graph;

import io.mlsys.config.ConfigException;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.GraphRef;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.NodeOptions;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;

/**
 * Builds every graph of a generation from its records (which checked their own structure): each
 * node by its {@link NodeKind} (references to models and graphs, transforms and rules), cycles of
 * graphs calling graphs, then signatures ({@link Signatures}). Every violation of every graph is
 * collected before anything is thrown.
 */
final class GraphCompiler {
  /** A shared resource's key: a kind's own key, apart from other kinds' keys of other types. */
  private record SharedKey(Class<?> type, Object key) {}

  /** A graph calling a graph, for cycle checks. */
  private record Call(String from, String to, String configPath) {}

  private final NodeKinds kinds;
  private final ModelLookup models;
  private final GraphOptions options;
  private final BuildViolations violations = BuildViolations.collecting();
  private final Map<String, GraphHandle> handles = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private final Map<SharedKey, AutoCloseable> shared = new LinkedHashMap<>();
  private final ThreadFactory threads = Thread.ofVirtual().name("mlsys-graph-branch-", 0).factory();

  private GraphCompiler(NodeKinds kinds, ModelLookup models, GraphOptions options) {
    this.kinds = kinds;
    this.models = models;
    this.options = options;
  }

  static Graphs compile(
      Map<String, GraphConfig> graphs, NodeKinds kinds, ModelLookup models, GraphOptions options) {
    GraphCompiler compiler = new GraphCompiler(kinds, models, options);
    try {
      return compiler.build(graphs);
    } catch (RuntimeException e) {
      DefaultGraphs.closeAll(List.copyOf(compiler.shared.values()));
      throw e;
    }
  }

  private Graphs build(Map<String, GraphConfig> configs) {
    for (String name : configs.keySet()) {
      handles.put(name, new GraphHandle(name));
    }
    Map<String, CompiledGraph> graphs = new LinkedHashMap<>();
    for (Map.Entry<String, GraphConfig> entry : configs.entrySet()) {
      String name = entry.getKey();
      if (models.contains(name)) {
        violations.invalid(
            "graphs." + name, name, "a name no model uses: graphs and models share one namespace");
      }
      graphs.put(name, new GraphBuild(name).compile(entry.getValue().root()));
    }
    graphs.forEach((name, graph) -> handles.get(name).set(graph));
    checkCycles();
    Signatures signatures = new Signatures(models, violations);
    for (CompiledGraph graph : graphs.values()) {
      signatures.outputs(graph);
    }
    violations.throwIfAny();
    return new DefaultGraphs(graphs, List.copyOf(shared.values()), models, options);
  }

  /** Every call that closes a cycle of graphs calling graphs is a violation. */
  private void checkCycles() {
    Map<String, List<Call>> out = new HashMap<>();
    for (Call call : calls) {
      out.computeIfAbsent(call.from(), k -> new ArrayList<>()).add(call);
    }
    for (Call call : calls) {
      List<String> back = path(out, call.to(), call.from());
      if (back != null) {
        List<String> cycle = new ArrayList<>();
        cycle.add(call.from());
        cycle.addAll(back);
        violations.invalid(
            call.configPath(),
            call.to(),
            "a graph that does not call back into '"
                + call.from()
                + "' (cycle: "
                + String.join(" -> ", cycle)
                + ")");
      }
    }
  }

  /** The graphs from {@code from} to {@code to} along calls, or null when there is no way. */
  private static List<String> path(Map<String, List<Call>> out, String from, String to) {
    Map<String, String> parent = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    Set<String> seen = new HashSet<>();
    queue.add(from);
    seen.add(from);
    while (!queue.isEmpty()) {
      String at = queue.poll();
      if (at.equals(to)) {
        List<String> way = new ArrayList<>();
        for (String step = to; step != null; step = parent.get(step)) {
          way.addFirst(step);
        }
        return way;
      }
      for (Call call : out.getOrDefault(at, List.of())) {
        if (seen.add(call.to())) {
          parent.put(call.to(), at);
          queue.add(call.to());
        }
      }
    }
    return null;
  }

  /** The build of one graph: its parameters, model references and calls. */
  private final class GraphBuild {
    private final String graph;
    private final RuntimeParameters.Builder parameters;
    private final List<CompiledGraph.ModelRef> modelRefs = new ArrayList<>();
    private final List<GraphHandle> callees = new ArrayList<>();

    GraphBuild(String graph) {
      this.graph = graph;
      this.parameters = new RuntimeParameters.Builder(graph);
    }

    CompiledGraph compile(NodeConfig root) {
      GraphNode node = node(root, Place.root(graph));
      return new CompiledGraph(graph, node, parameters.build(), models, modelRefs, callees);
    }

    /** A node of any kind at {@code place}, with its {@code timeout} parameter. */
    GraphNode node(NodeConfig config, Place place) {
      int timeoutSlot = parameters.timeout(place.parameter("timeout"), config.timeout());
      NodeOptions options = config.options();
      NodeKind<NodeOptions> kind = kinds.of(options);
      Node node;
      if (kind == null) {
        violations.add(
            place.configPath(),
            "options "
                + options.getClass().getName()
                + " of no installed node kind (expected: one of "
                + String.join(", ", kinds.names())
                + ")");
        node = new MissingKind(options.getClass().getName());
      } else {
        node = kind.compile(options, new NodeBuild(this, place));
      }
      return new CompiledNode(place, node, timeoutSlot);
    }
  }

  /**
   * Stands for a node whose options no installed kind takes, so the other nodes are still checked;
   * the build then fails, so it never runs.
   */
  private record MissingKind(String options) implements Node {
    @Override
    public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
      throw new IllegalStateException("a graph with no kind for " + options + " was served");
    }

    @Override
    public String describe() {
      return "no kind for " + options;
    }
  }

  /** What a kind compiles one node with. */
  private final class NodeBuild implements NodeCompiler {
    private final GraphBuild build;
    private final Place place;

    NodeBuild(GraphBuild build, Place place) {
      this.build = build;
      this.place = place;
    }

    @Override
    public Place place() {
      return place;
    }

    @Override
    public GraphNode child(NodeConfig config, Place child) {
      return build.node(config, child);
    }

    @Override
    public int activeParameter(String path, boolean initial) {
      return build.parameters.active(path, initial);
    }

    @Override
    public int weightParameter(String path, double initial) {
      return build.parameters.weight(path, initial);
    }

    @Override
    public int thresholdParameter(String path, double initial) {
      return build.parameters.threshold(path, initial);
    }

    @Override
    public void weightGroup(String path, int[] slots) {
      build.parameters.weightGroup(path, slots);
    }

    @Override
    public ModelLookup models() {
      return models;
    }

    @Override
    public void requireModel(String name, String version) {
      build.modelRefs.add(new CompiledGraph.ModelRef(name, version));
    }

    @Override
    public Set<String> graphs() {
      return Collections.unmodifiableSet(handles.keySet());
    }

    @Override
    public Optional<GraphRef> graph(String name, String path) {
      GraphHandle target = handles.get(name);
      if (target == null) {
        return Optional.empty();
      }
      calls.add(new Call(build.graph, name, path));
      build.callees.add(target);
      return Optional.of(target);
    }

    @Override
    public GraphOptions options() {
      return options;
    }

    @Override
    public ThreadFactory threads() {
      return threads;
    }

    @Override
    public <T extends AutoCloseable> T shared(Object key, Class<T> type, Supplier<T> create) {
      return type.cast(shared.computeIfAbsent(new SharedKey(type, key), k -> create.get()));
    }

    @Override
    public void violation(String path, String problem) {
      violations.add(path, problem);
    }

    @Override
    public void invalid(String path, Object value, String expected) {
      violations.invalid(path, value, expected);
    }

    @Override
    public void violations(String path, ConfigException nested) {
      violations.addAll(path, nested);
    }
  }
}
