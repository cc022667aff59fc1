package io.mlsys.graph;

import io.mlsys.graph.spi.GraphNode;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ensemble}: branches in parallel (microservice horizontal), each with {@code active} and
 * {@code weight} runtime parameters, combined by a {@link Combiner}.
 */
public final class EnsembleKind implements NodeKind<EnsembleOptions> {

  @Override
  public String name() {
    return "ensemble";
  }

  @Override
  public Class<EnsembleOptions> optionsType() {
    return EnsembleOptions.class;
  }

  @Override
  public Node compile(EnsembleOptions ensemble, NodeCompiler compiler) {
    // The record checked names, and that inputs read only the request.
    Place place = compiler.place();
    List<EnsembleNode.Branch> branches = new ArrayList<>();
    int[] weights = new int[ensemble.branches().size()];
    double weightSum = 0;
    for (Map.Entry<String, EnsembleOptions.Branch> entry : ensemble.branches().entrySet()) {
      String name = entry.getKey();
      EnsembleOptions.Branch branch = entry.getValue();
      String key = "ensemble.branches." + name;
      Place at = place.child("ensemble.branches[" + name + "]", key, key);
      int active = compiler.activeParameter(at.parameter("active"), branch.active());
      int weight = compiler.weightParameter(at.parameter("weight"), branch.weight());
      weights[branches.size()] = weight;
      weightSum += branch.weight();
      GraphNode node = compiler.child(branch.node(), at);
      Map<String, String> inputs = null;
      if (!branch.inputs().isEmpty()) {
        inputs = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> input : new TreeMap<>(branch.inputs()).entrySet()) {
          inputs.put(input.getKey(), input.getValue().tensor());
        }
      }
      branches.add(
          new EnsembleNode.Branch(
              name,
              node,
              active,
              weight,
              branch.policy() == EnsembleOptions.BranchPolicy.REQUIRED,
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
              compiler.violation(
                  place.config("ensemble.branches"),
                  "every weight is 0 (expected: at least one weight > 0 for weighted-mean)");
            }
            compiler.weightGroup(place.parameter("ensemble"), weights);
            yield new Combiner.Mean(mean.output(), true);
          }
          case CombinerConfig.Vote vote -> new Combiner.Vote(vote.output());
          case CombinerConfig.Max max ->
              new Combiner.Max(max.output(), max.column(), max.scoreOutput(), max.labelOutput());
        };
    return new EnsembleNode(
        place, branches.toArray(new EnsembleNode.Branch[0]), combiner, compiler.threads());
  }
}
