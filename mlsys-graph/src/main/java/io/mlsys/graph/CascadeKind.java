package io.mlsys.graph;

import io.mlsys.core.spi.JobSubmitter;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.NodeCompiler;
import io.mlsys.graph.spi.NodeKind;
import io.mlsys.graph.spi.Place;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cascade}: multiple-stage prediction, each stage but the last accepting the rows whose
 * score reaches its {@code threshold} runtime parameter.
 */
public final class CascadeKind implements NodeKind<CascadeOptions> {

  @Override
  public String name() {
    return "cascade";
  }

  @Override
  public Class<CascadeOptions> optionsType() {
    return CascadeOptions.class;
  }

  @Override
  public Node compile(CascadeOptions cascade, NodeCompiler compiler) {
    // The record checked the names, the stage count, and that every stage but the last (and
    // only it) accepts rows.
    Place place = compiler.place();
    List<CascadeOptions.Stage> stages = cascade.stages();
    List<CascadeNode.Stage> compiled = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      CascadeOptions.Stage stage = stages.get(i);
      // Stages are listed: the config key has the index, errors and parameters the name.
      Place at =
          place.child(
              "cascade.stages[" + stage.name() + "]",
              "cascade.stages[" + i + "]",
              "cascade.stages." + stage.name());
      CascadeOptions.Accept accept = i == stages.size() - 1 ? null : stage.accept();
      int threshold =
          accept == null
              ? -1
              : compiler.thresholdParameter(at.parameter("threshold"), accept.threshold());
      JobSubmitter jobs = null;
      if (stage.async()) {
        jobs = compiler.options().resources().find(JobSubmitter.class).orElse(null);
        if (jobs == null) {
          compiler.violation(
              at.configPath() + ".async",
              "true, but this server runs no jobs (expected: jobs enabled, see docs/async.md)");
        }
      }
      compiled.add(
          new CascadeNode.Stage(
              stage.name(),
              compiler.child(stage.node(), at),
              accept == null ? null : accept.output(),
              threshold,
              stage.name().getBytes(StandardCharsets.UTF_8),
              jobs));
    }
    return new CascadeNode(
        place, compiled.toArray(new CascadeNode.Stage[0]), cascade.stageOutput());
  }
}
