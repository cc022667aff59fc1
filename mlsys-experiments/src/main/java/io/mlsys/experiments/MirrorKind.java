package io.mlsys.experiments;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mlsys.graph.NodeConfig;
import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mirror}: a shadow A/B experiment; the primary answers, candidates get a share of the calls
 * off the request path, the pairs are recorded.
 */
public final class MirrorKind implements NodeKind<MirrorOptions> {
  static final String NAME = "mirror";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<MirrorOptions> optionsType() {
    return MirrorOptions.class;
  }

  @Override
  public Node compile(MirrorOptions options, NodeCompiler compiler) {
    Place place = compiler.place();
    Experiments experiments = SplitKind.experiments(compiler);
    String name = SplitKind.experimentName(place);
    GraphNode primary = compiler.child(options.primary(), place.child(NAME + ".primary"));
    List<MirrorNode.Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, NodeConfig> entry : options.candidates().entrySet()) {
      String candidate = entry.getKey();
      String key = NAME + ".candidates." + candidate;
      Place at = place.child(NAME + ".candidates[" + candidate + "]", key, key);
      GraphNode node = compiler.child(entry.getValue(), at);
      candidates.add(
          new MirrorNode.Candidate(
              candidate,
              node,
              experiments == null ? null : counter(experiments, name, candidate, "mirrored"),
              experiments == null ? null : counter(experiments, name, candidate, "shed")));
    }
    ExperimentSpec.Mirror spec =
        new ExperimentSpec.Mirror(
            name,
            candidates.stream().map(MirrorNode.Candidate::name).toList(),
            options.compare(),
            options.verdict());
    if (experiments == null) {
      return new MirrorNode(place, spec, options, primary, candidates, null, null);
    }
    experiments.declare(spec);
    MirrorPool pool =
        compiler.shared(
            new MirrorPool.Key(
                place.path(),
                options.queueCapacity(),
                options.concurrency(),
                options.candidateBudget()),
            MirrorPool.class,
            () ->
                new MirrorPool(
                    options.queueCapacity(),
                    options.concurrency(),
                    compiler.threads(),
                    options.candidateBudget(),
                    experiments::nanoTime));
    return new MirrorNode(place, spec, options, primary, candidates, pool, experiments);
  }

  private static Counter counter(
      Experiments experiments, String experiment, String candidate, String outcome) {
    MeterRegistry registry = experiments.meterRegistry();
    return Counter.builder("mlsys_experiment_mirror_calls_total")
        .description(
            "Calls a mirror sent to a candidate (mirrored) or dropped on a full queue (shed)")
        .tag("experiment", experiment)
        .tag("candidate", candidate)
        .tag("outcome", outcome)
        .register(registry);
  }
}
