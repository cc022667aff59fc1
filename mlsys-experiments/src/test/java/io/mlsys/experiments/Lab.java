package io.mlsys.experiments;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mlsys.core.CallAttribute;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.Model;
import io.mlsys.core.ModelMetadata;
import io.mlsys.core.ModelNotFoundException;
import io.mlsys.core.Predictor;
import io.mlsys.core.Tensor;
import io.mlsys.core.spi.SharedResources;
import io.mlsys.graph.GraphConfig;
import io.mlsys.graph.GraphOptions;
import io.mlsys.graph.Graphs;
import io.mlsys.graph.ModelLookup;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.NodeOptions;
import io.mlsys.store.Store;
import io.mlsys.store.StoreConfig;
import io.mlsys.testing.ManualClock;
import io.mlsys.testing.StubModel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server holds for experiments, without the transports: stub models, the experiments over a
 * store, and graphs built on them. One per simulated server.
 */
final class Lab implements AutoCloseable {
  final ManualClock clock = ManualClock.startingAt("2026-03-02T09:00:00Z");
  final AtomicLong nanos = new AtomicLong();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final SplittableRandom random = new SplittableRandom(42);
  final Experiments experiments;
  private final SharedResources resources = SharedResources.create();
  private final Map<String, Model> models = new LinkedHashMap<>();
  private Graphs graphs;

  Lab(StoreConfig store, Path dataDir) {
    experiments =
        resources.computeIfAbsent(
            Experiments.class,
            () ->
                Experiments.builder(() -> Store.open(store, dataDir, Experiments.STORE_OWNER))
                    .clock(clock)
                    .ticker(nanos::get)
                    .random(() -> random)
                    .meterRegistry(registry)
                    .build());
  }

  /** A model answering {@code answer}. */
  Lab model(String name, Predictor answer) {
    models.put(
        name,
        new StubModel(
            new ModelMetadata(name, "1", "test", List.of(), List.of(), Map.of(), Map.of()),
            answer::infer));
    return this;
  }

  /** A model that answers its name as the BYTES output {@code served_by}, and the arm it saw. */
  Lab naming(String name) {
    return model(
        name,
        (request, context) ->
            new InferResponse(
                name,
                "1",
                request.id(),
                List.of(
                    Tensor.ofStrings("served_by", new long[] {1}, name),
                    Tensor.ofStrings(
                        "arm_seen",
                        new long[] {1},
                        context.attribute(CallAttribute.EXPERIMENT_ARM).orElse("none"))),
                Map.of()));
  }

  Lab graph(String name, NodeOptions root) {
    if (graphs != null) {
      graphs.close();
    }
    graphs =
        Graphs.create(
            Map.of(name, new GraphConfig(NodeConfig.of(root))),
            new Lookup(),
            GraphOptions.defaults().withClock(clock).withResources(resources));
    return this;
  }

  Graphs graphs() {
    return graphs;
  }

  InferResponse infer(String graph, InferRequest request, Map<String, String> headers) {
    return graphs
        .predictor(graph)
        .infer(request, new CallContext(clock, null, headers, "trace", Map.of()));
  }

  static NodeConfig model(String name) {
    return NodeConfig.of(ModelOptions.of(name));
  }

  @Override
  public void close() {
    if (graphs != null) {
      graphs.close();
    }
    resources.close();
  }

  private final class Lookup implements ModelLookup {
    @Override
    public Predictor predictor(String name, String version) {
      Model model = models.get(name);
      if (model == null) {
        throw new ModelNotFoundException(name, version);
      }
      return model;
    }

    @Override
    public ModelMetadata metadata(String name, String version) {
      return predictor(name, version) instanceof Model model ? model.metadata() : null;
    }

    @Override
    public boolean isModelReady(String name, String version) {
      return models.containsKey(name);
    }

    @Override
    public boolean contains(String name) {
      return models.containsKey(name);
    }
  }
}
