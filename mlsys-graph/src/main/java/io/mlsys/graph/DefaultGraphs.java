package io.mlsys.graph;

import io.mlsys.client.OipClient;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.TensorSpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The graphs of one generation and the remote clients they share. */
final class DefaultGraphs implements Graphs {
  static final DefaultGraphs EMPTY = new DefaultGraphs(Map.of(), List.of(), null, null);

  private final Map<String, CompiledGraph> graphs;
  private final List<OipClient> clients;
  private final ModelLookup models;
  private final GraphOptions options;

  DefaultGraphs(
      Map<String, CompiledGraph> graphs,
      List<OipClient> clients,
      ModelLookup models,
      GraphOptions options) {
    this.graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
    this.clients = List.copyOf(clients);
    this.models = models;
    this.options = options;
  }

  @Override
  public Set<String> names() {
    return graphs.keySet();
  }

  @Override
  public boolean contains(String name) {
    return graphs.containsKey(name);
  }

  @Override
  public Predictor predictor(String name) {
    return graph(name);
  }

  @Override
  public ModelMetadata metadata(String name) {
    CompiledGraph graph = graph(name);
    // Computed on demand: a model that becomes ready completes the signature.
    Signatures signatures = new Signatures(models, Violations.ignoring());
    Signatures.Demand reads = signatures.reads(graph);
    Signatures.Flow outputs = signatures.outputs(graph);
    List<TensorSpec> inputs = new ArrayList<>();
    List<String> untyped = new ArrayList<>();
    reads.tensors.forEach(
        (tensor, spec) -> {
          if (spec == null) {
            untyped.add(tensor);
          } else {
            inputs.add(spec);
          }
        });
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("nodes", describe(graph.root()));
    if (!untyped.isEmpty()) {
      properties.put("inputs.untyped", String.join(",", untyped));
    }
    properties.put("inputs.complete", String.valueOf(!reads.open));
    properties.put("outputs.complete", String.valueOf(!outputs.open()));
    return new ModelMetadata(
        name,
        VERSION,
        PLATFORM,
        inputs,
        List.copyOf(outputs.specs().values()),
        Map.of(),
        properties);
  }

  @Override
  public boolean isReady(String name) {
    CompiledGraph graph = graphs.get(name);
    return graph != null && graph.isReady();
  }

  @Override
  public Map<String, Object> parameters(String name) {
    return graph(name).parameters().values();
  }

  @Override
  public List<ParameterChange> setParameters(String name, Map<String, Object> changes, String who) {
    Clock clock = options.clock();
    return graph(name).parameters().set(changes, who, clock, options.auditLog());
  }

  @Override
  public void close() {
    clients.forEach(OipClient::close);
  }

  private CompiledGraph graph(String name) {
    CompiledGraph graph = graphs.get(name);
    if (graph == null) {
      throw new ModelNotFoundException(name, null);
    }
    return graph;
  }

  /** The node tree in one line, e.g. {@code ensemble(setosa: iris_setosa, ...; combine: max)}. */
  static String describe(Node node) {
    return switch (node) {
      case ModelNode model ->
          model.model() + (model.version() == null ? "" : "@" + model.version());
      case GraphNode call -> "graph " + call.target();
      case RemoteNode remote ->
          "remote "
              + remote.url()
              + " "
              + remote.model()
              + (remote.version() == null ? "" : "@" + remote.version());
      case TransformNode transform -> "transform(" + GraphCompiler.kinds(transform.steps()) + ")";
      case SequenceNode sequence -> {
        List<String> parts = new ArrayList<>();
        for (SequenceNode.Step step : sequence.steps()) {
          parts.add(step.name() + ": " + describe(step.node()));
        }
        yield "sequence(" + String.join(", ", parts) + ")";
      }
      case EnsembleNode ensemble -> {
        List<String> parts = new ArrayList<>();
        for (EnsembleNode.Branch branch : ensemble.branches()) {
          parts.add(branch.name() + ": " + describe(branch.node()));
        }
        yield "ensemble("
            + String.join(", ", parts)
            + "; combine: "
            + combinerName(ensemble.combiner())
            + ")";
      }
      case SwitchNode route -> {
        List<String> parts = new ArrayList<>();
        for (SwitchNode.Route rule : route.rules()) {
          parts.add(rule.name() + ": " + describe(rule.node()));
        }
        parts.add(SwitchNode.DEFAULT + ": " + describe(route.fallback().node()));
        yield "switch(" + String.join(", ", parts) + ")";
      }
      case CascadeNode cascade -> {
        List<String> parts = new ArrayList<>();
        for (CascadeNode.Stage stage : cascade.stages()) {
          parts.add(stage.name() + ": " + describe(stage.node()));
        }
        yield "cascade(" + String.join(", ", parts) + ")";
      }
    };
  }

  private static String combinerName(Combiner combiner) {
    return switch (combiner) {
      case Combiner.All ignored -> "all";
      case Combiner.First ignored -> "first";
      case Combiner.Mean mean -> mean.weighted() ? "weighted-mean" : "mean";
      case Combiner.Vote ignored -> "vote";
      case Combiner.Max ignored -> "max";
    };
  }
}
