package io.mlsys.graph;

import io.mlsys.client.OipClient;
import io.mlsys.client.OipClientOptions;
import io.mlsys.client.RemoteModel;
import io.mlsys.config.CombinerConfig;
import io.mlsys.config.Condition;
import io.mlsys.config.ConfigException;
import io.mlsys.config.GraphConfig;
import io.mlsys.config.NodeConfig;
import io.mlsys.config.TransformConfig;
import io.mlsys.core.RequestedOutput;
import io.mlsys.graph.GraphNode.GraphHandle;
import io.mlsys.transform.TransformPipeline;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadFactory;

/**
 * Builds every graph of a generation from its records (which checked their own structure): the
 * references to models and graphs, cycles, transforms and rules first, then signatures ({@link
 * Signatures}). Every violation of every graph is collected before anything is thrown.
 */
final class GraphCompiler {
  /** A graph calling a graph, for cycle checks. */
  private record Call(String from, String to, String configPath) {}

  /** One shared client per distinct URL and options. */
  private record ClientKey(URI url, Duration connectTimeout, int maxAttempts, Duration backoff) {}

  private final ModelLookup models;
  private final GraphOptions options;
  private final Violations violations = Violations.collecting();
  private final Map<String, GraphHandle> handles = new LinkedHashMap<>();
  private final List<Call> calls = new ArrayList<>();
  private final Map<ClientKey, OipClient> clients = new LinkedHashMap<>();
  private final ThreadFactory threads = Thread.ofVirtual().name("mlsys-graph-branch-", 0).factory();

  private GraphCompiler(ModelLookup models, GraphOptions options) {
    this.models = models;
    this.options = options;
  }

  static Graphs compile(Map<String, GraphConfig> graphs, ModelLookup models, GraphOptions options) {
    GraphCompiler compiler = new GraphCompiler(models, options);
    try {
      return compiler.build(graphs);
    } catch (RuntimeException e) {
      compiler.clients.values().forEach(OipClient::close);
      throw e;
    }
  }

  private Graphs build(Map<String, GraphConfig> configs) {
    for (String name : configs.keySet()) {
      handles.put(name, new GraphHandle());
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
    return new DefaultGraphs(graphs, List.copyOf(clients.values()), models, options);
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
      Place place = place("graphs." + graph, "graphs." + graph, "", root);
      Node node = node(root, place);
      return new CompiledGraph(graph, node, parameters.build(), models, modelRefs, callees);
    }

    /** A place, with its {@code timeout} parameter. */
    private Place place(String path, String configPath, String parameterPath, NodeConfig node) {
      String key = parameterPath.isEmpty() ? "timeout" : parameterPath + ".timeout";
      int slot = parameters.timeout(key, node.timeout());
      return new Place(graph, path, configPath, parameterPath, slot);
    }

    private Node node(NodeConfig config, Place place) {
      return switch (config) {
        case NodeConfig.Model model -> model(model, place);
        case NodeConfig.Remote remote -> remote(remote, place);
        case NodeConfig.Transform transform -> transform(transform, place);
        case NodeConfig.Sequence sequence -> sequence(sequence, place);
        case NodeConfig.Ensemble ensemble -> ensemble(ensemble, place);
        case NodeConfig.Switch route -> route(route, place);
        case NodeConfig.Cascade cascade -> cascade(cascade, place);
      };
    }

    private Node model(NodeConfig.Model model, Place place) {
      List<RequestedOutput> outputs = model.outputs().stream().map(RequestedOutput::named).toList();
      GraphHandle target = handles.get(model.name());
      if (target != null) {
        if (model.version() != null && !model.version().equals(Graphs.VERSION)) {
          violations.invalid(
              place.config("model.version"),
              model.version(),
              "null or \"" + Graphs.VERSION + "\": '" + model.name() + "' is a graph");
        }
        calls.add(new Call(graph, model.name(), place.config("model")));
        callees.add(target);
        return new GraphNode(place, model.name(), outputs, target);
      }
      if (!models.contains(model.name())) {
        violations.invalid(
            place.config("model"),
            model.name(),
            "the name of a model, or of a graph: " + handles.keySet());
      }
      modelRefs.add(new CompiledGraph.ModelRef(model.name(), model.version()));
      return new ModelNode(place, model.name(), model.version(), outputs, models);
    }

    private Node remote(NodeConfig.Remote remote, Place place) {
      // The record checked the URL and options.
      URI url = URI.create(remote.url());
      ClientKey key =
          new ClientKey(url, remote.connectTimeout(), remote.maxAttempts(), remote.retryBackoff());
      OipClient client =
          clients.computeIfAbsent(
              key,
              k ->
                  OipClient.create(
                      url,
                      new OipClientOptions(
                          remote.connectTimeout(),
                          remote.maxAttempts(),
                          remote.retryBackoff(),
                          options.remote().clock(),
                          options.remote().sleeper())));
      return new RemoteNode(
          place,
          remote.url(),
          remote.model(),
          remote.version(),
          RemoteModel.of(client, remote.model(), remote.version()));
    }

    private Node transform(NodeConfig.Transform transform, Place place) {
      TransformPipeline pipeline = null;
      try {
        pipeline = TransformPipeline.compile(transform.steps());
      } catch (ConfigException e) {
        violations.addAll(place.config("transform"), e);
      }
      return new TransformNode(place, transform.steps(), pipeline);
    }

    private Node sequence(NodeConfig.Sequence sequence, Place place) {
      // The record checked names, and that inputs and conditions read only earlier steps.
      Map<String, Integer> earlier = new LinkedHashMap<>();
      List<SequenceNode.Step> steps = new ArrayList<>();
      boolean history = false;
      for (NodeConfig.Step step : sequence.steps()) {
        String name = step.name();
        String configPath = place.config("sequence." + name);
        String parameterPath = place.parameter("sequence." + name);
        int active = parameters.active(parameterPath + ".active", step.active());
        Place child =
            place(place.path() + ".sequence[" + name + "]", configPath, parameterPath, step.node());
        Node node = node(step.node(), child);
        Rules.Rule when = null;
        if (step.when() != null) {
          when = Rules.compile(step.when(), Map.copyOf(earlier), configPath + ".when", violations);
          history |= step.when().uses(Condition.OUTPUTS);
        }
        SequenceNode.Binding[] bindings = null;
        if (!step.inputs().isEmpty()) {
          history = true;
          List<SequenceNode.Binding> list = new ArrayList<>();
          for (Map.Entry<String, NodeConfig.TensorRef> input :
              new TreeMap<>(step.inputs()).entrySet()) {
            NodeConfig.TensorRef ref = input.getValue();
            int source =
                ref.node().equals(NodeConfig.TensorRef.REQUEST) ? -1 : earlier.get(ref.node());
            list.add(new SequenceNode.Binding(input.getKey(), source, ref.node(), ref.tensor()));
          }
          bindings = list.toArray(new SequenceNode.Binding[0]);
        }
        steps.add(
            new SequenceNode.Step(name, node, active, when, child.path() + ".when", bindings));
        earlier.put(name, earlier.size());
      }
      return new SequenceNode(place, steps.toArray(new SequenceNode.Step[0]), history);
    }

    private Node ensemble(NodeConfig.Ensemble ensemble, Place place) {
      // The record checked names, and that inputs read only the request.
      List<EnsembleNode.Branch> branches = new ArrayList<>();
      int[] weights = new int[ensemble.branches().size()];
      double weightSum = 0;
      for (NodeConfig.Branch branch : ensemble.branches()) {
        String name = branch.name();
        String configPath = place.config("ensemble.branches." + name);
        String parameterPath = place.parameter("ensemble.branches." + name);
        int active = parameters.active(parameterPath + ".active", branch.active());
        int weight = parameters.weight(parameterPath + ".weight", branch.weight());
        weights[branches.size()] = weight;
        weightSum += branch.weight();
        Place child =
            place(
                place.path() + ".ensemble.branches[" + name + "]",
                configPath,
                parameterPath,
                branch.node());
        Node node = node(branch.node(), child);
        Map<String, String> inputs = null;
        if (!branch.inputs().isEmpty()) {
          inputs = new LinkedHashMap<>();
          for (Map.Entry<String, NodeConfig.TensorRef> input :
              new TreeMap<>(branch.inputs()).entrySet()) {
            inputs.put(input.getKey(), input.getValue().tensor());
          }
        }
        branches.add(
            new EnsembleNode.Branch(
                name,
                node,
                active,
                weight,
                branch.policy() == NodeConfig.BranchPolicy.REQUIRED,
                inputs,
                name.getBytes(StandardCharsets.UTF_8)));
      }
      Combiner combiner =
          switch (ensemble.combine()) {
            case CombinerConfig.All ignored -> new Combiner.All();
            case CombinerConfig.First ignored -> new Combiner.First();
            case CombinerConfig.Mean mean -> new Combiner.Mean(mean.output(), false);
            case CombinerConfig.WeightedMean mean -> {
              if (weightSum <= 0) {
                violations.add(
                    place.config("ensemble.branches"),
                    "every weight is 0 (expected: at least one weight > 0 for weighted-mean)");
              }
              parameters.weightGroup(place.parameter("ensemble"), weights);
              yield new Combiner.Mean(mean.output(), true);
            }
            case CombinerConfig.Vote vote -> new Combiner.Vote(vote.output());
            case CombinerConfig.Max max ->
                new Combiner.Max(max.output(), max.column(), max.scoreOutput(), max.labelOutput());
          };
      return new EnsembleNode(
          place, branches.toArray(new EnsembleNode.Branch[0]), combiner, threads);
    }

    private Node route(NodeConfig.Switch config, Place place) {
      // The record checked the rule names, the zone, and that rules read no step outputs.
      List<SwitchNode.Route> rules = new ArrayList<>();
      for (int i = 0; i < config.rules().size(); i++) {
        NodeConfig.Rule rule = config.rules().get(i);
        String configPath = place.config("switch.rules[" + i + "]");
        String parameterPath = place.parameter("switch.rules[" + i + "]");
        int active = parameters.active(parameterPath + ".active", true);
        Place child =
            place(
                place.path() + ".switch.rules[" + i + "]", configPath, parameterPath, rule.node());
        Node node = node(rule.node(), child);
        Rules.Rule when = Rules.compile(rule.when(), null, configPath + ".when", violations);
        rules.add(new SwitchNode.Route(rule.name(), node, active, when, child.path() + ".when"));
      }
      Place fallback =
          place(
              place.path() + ".switch.default",
              place.config("switch.default"),
              place.parameter("switch.default"),
              config.defaultRoute());
      SwitchNode.Route defaultRoute =
          new SwitchNode.Route(
              SwitchNode.DEFAULT, node(config.defaultRoute(), fallback), -1, null, null);
      return new SwitchNode(
          place, rules.toArray(new SwitchNode.Route[0]), defaultRoute, ZoneId.of(config.zone()));
    }

    private Node cascade(NodeConfig.Cascade cascade, Place place) {
      // The record checked the names, the stage count, and that every stage but the last (and
      // only it) accepts rows.
      List<NodeConfig.Stage> stages = cascade.stages();
      List<CascadeNode.Stage> compiled = new ArrayList<>();
      for (int i = 0; i < stages.size(); i++) {
        NodeConfig.Stage stage = stages.get(i);
        String parameterPath = place.parameter("cascade.stages." + stage.name());
        NodeConfig.Accept accept = i == stages.size() - 1 ? null : stage.accept();
        int threshold =
            accept == null
                ? -1
                : parameters.threshold(parameterPath + ".threshold", accept.threshold());
        Place child =
            place(
                place.path() + ".cascade.stages[" + stage.name() + "]",
                place.config("cascade.stages[" + i + "]"),
                parameterPath,
                stage.node());
        compiled.add(
            new CascadeNode.Stage(
                stage.name(),
                node(stage.node(), child),
                accept == null ? null : accept.output(),
                threshold,
                stage.name().getBytes(StandardCharsets.UTF_8)));
      }
      return new CascadeNode(
          place, compiled.toArray(new CascadeNode.Stage[0]), cascade.stageOutput());
    }
  }

  /** The transform kinds of a list, for descriptions. */
  static String kinds(List<TransformConfig> steps) {
    List<String> kinds = new ArrayList<>();
    for (TransformConfig step : steps) {
      kinds.add(
          switch (step) {
            case TransformConfig.Rename ignored -> "rename";
            case TransformConfig.Select ignored -> "select";
            case TransformConfig.Concat ignored -> "concat";
            case TransformConfig.Cast ignored -> "cast";
            case TransformConfig.Scale ignored -> "scale";
            case TransformConfig.MinMax ignored -> "min-max";
            case TransformConfig.OneHot ignored -> "one-hot";
            case TransformConfig.Image ignored -> "image";
            case TransformConfig.Softmax ignored -> "softmax";
            case TransformConfig.Argmax ignored -> "argmax";
            case TransformConfig.Threshold ignored -> "threshold";
            case TransformConfig.TopK ignored -> "top-k";
            case TransformConfig.Custom custom -> "custom " + custom.name();
          });
    }
    return String.join(", ", kinds);
  }
}
