package io.mlsys.graph;

import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The graphs of one generation and the resources they share (remote clients). */
final class DefaultGraphs implements Graphs {
  static final DefaultGraphs EMPTY = new DefaultGraphs(Map.of(), List.of(), null, null);

  private final Map<String, CompiledGraph> graphs;
  private final List<AutoCloseable> shared;
  private final ModelLookup models;
  private final GraphOptions options;

  DefaultGraphs(
      Map<String, CompiledGraph> graphs,
      List<AutoCloseable> shared,
      ModelLookup models,
      GraphOptions options) {
    this.graphs = Collections.unmodifiableMap(new LinkedHashMap<>(graphs));
    this.shared = List.copyOf(shared);
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
    Signatures signatures = new Signatures(models, BuildViolations.ignoring());
    Demand reads = signatures.reads(graph);
    Flow outputs = signatures.outputs(graph);
    List<TensorSpec> inputs = new ArrayList<>();
    List<String> untyped = new ArrayList<>();
    reads.forEach(
        (tensor, spec) -> {
          if (spec == null) {
            untyped.add(tensor);
          } else {
            inputs.add(spec);
          }
        });
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("nodes", graph.root().describe());
    if (!untyped.isEmpty()) {
      properties.put("inputs.untyped", String.join(",", untyped));
    }
    properties.put("inputs.complete", String.valueOf(!reads.isOpen()));
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
    closeAll(shared);
  }

  private CompiledGraph graph(String name) {
    CompiledGraph graph = graphs.get(name);
    if (graph == null) {
      throw new ModelNotFoundException(name, null);
    }
    return graph;
  }

  /** Closes what the generation shared, each even when another fails. */
  static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        System.getLogger(DefaultGraphs.class.getName())
            .log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
      }
    }
  }
}
