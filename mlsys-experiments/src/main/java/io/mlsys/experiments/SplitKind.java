package io.mlsys.experiments;

import io.micrometer.core.instrument.Counter;
import io.mlsys.graph.ModelOptions;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code split}: an online A/B experiment; arms with {@code weight} and {@code active} runtime
 * parameters, assignment by fixed hash buckets kept in the store.
 */
public final class SplitKind implements NodeKind<SplitOptions> {
  static final String NAME = "split";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<SplitOptions> optionsType() {
    return SplitOptions.class;
  }

  @Override
  public Node compile(SplitOptions options, NodeCompiler compiler) {
    Place place = compiler.place();
    Experiments experiments = experiments(compiler);
    String name = experimentName(place);
    List<SplitNode.Arm> arms = new ArrayList<>();
    List<String> armModels = new ArrayList<>();
    List<String> weightParameters = new ArrayList<>();
    int[] weights = new int[options.arms().size()];
    for (Map.Entry<String, SplitOptions.Arm> entry : options.arms().entrySet()) {
      String arm = entry.getKey();
      String key = NAME + ".arms." + arm;
      Place at = place.child(NAME + ".arms[" + arm + "]", key, key);
      int active = compiler.activeParameter(at.parameter("active"), entry.getValue().active());
      int weight = compiler.weightParameter(at.parameter("weight"), entry.getValue().weight());
      weights[arms.size()] = weight;
      armModels.add(
          entry.getValue().node().options() instanceof ModelOptions model ? model.name() : null);
      weightParameters.add(at.parameter("weight"));
      Counter exposures =
          experiments == null
              ? null
              : Counter.builder("mlsys_experiment_exposures_total")
                  .description("Calls a split assigned, by arm")
                  .tag("experiment", name)
                  .tag("arm", arm)
                  .register(experiments.meterRegistry());
      arms.add(
          new SplitNode.Arm(
              arm, compiler.child(entry.getValue().node(), at), active, weight, exposures));
    }
    compiler.weightGroup(place.parameter(NAME), weights);
    ExperimentSpec.Split spec =
        new ExperimentSpec.Split(
            name,
            arms.stream().map(SplitNode.Arm::name).toList(),
            options.srmAlpha(),
            place.graph(),
            armModels,
            weightParameters,
            options);
    if (experiments != null) {
      experiments.declare(spec);
    }
    return new SplitNode(
        place,
        spec,
        arms.toArray(new SplitNode.Arm[0]),
        options.key(),
        options.salt() == null ? name : options.salt(),
        options.metric().outcome() == SplitOptions.Outcome.ACCURACY
            ? options.metric().output()
            : null,
        options.metric().outcome() == SplitOptions.Outcome.ACCURACY,
        experiments);
  }

  /** The server's experiments; reports a violation when the graph is served without them. */
  static Experiments experiments(NodeCompiler compiler) {
    Experiments experiments = compiler.options().resources().find(Experiments.class).orElse(null);
    if (experiments == null) {
      compiler.violation(
          compiler.place().path(),
          "experiments need the server's store (expected: a server built by"
              + " MlsysServer.fromConfig, or an Experiments in GraphOptions.resources())");
    }
    return experiments;
  }

  /** The graph's name at its root; a nested node's adds its place: {@code g:sequence.ab}. */
  static String experimentName(Place place) {
    return place.parameterPath().isEmpty()
        ? place.graph()
        : place.graph() + ":" + place.parameterPath();
  }
}
