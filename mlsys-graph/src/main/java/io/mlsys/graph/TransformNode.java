package io.mlsys.graph;

import io.mlsys.config.ConfigViolation;
import io.mlsys.core.CallContext;
import io.mlsys.core.InferRequest;
import io.mlsys.core.InferResponse;
import io.mlsys.core.MlsysException;
import io.mlsys.core.Tensor;
import io.mlsys.core.TensorSpec;
import io.mlsys.graph.spi.Demand;
import io.mlsys.graph.spi.Flow;
import io.mlsys.graph.spi.Node;
import io.mlsys.graph.spi.ParameterState;
import io.mlsys.graph.spi.Place;
import io.mlsys.graph.spi.SignatureContext;
import io.mlsys.transform.TransformPipeline;
import io.mlsys.transform.spi.TensorAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Declarative pre/post-processing; its answer keeps the request id.
 *
 * @param pipeline null when the steps did not compile (the build then fails)
 */
record TransformNode(Place place, TransformPipeline pipeline) implements Node {

  @Override
  public InferResponse execute(InferRequest request, CallContext context, ParameterState state) {
    List<Tensor> outputs;
    try {
      outputs = pipeline.apply(request.inputs());
    } catch (MlsysException e) {
      throw NodeErrors.at(place.path(), e);
    } catch (RuntimeException e) {
      throw NodeErrors.unexpected(place.path(), place.graph(), e);
    }
    return new InferResponse(place.graph(), Graphs.VERSION, request.id(), outputs, Map.of());
  }

  @Override
  public Flow outputs(Flow in, SignatureContext signatures) {
    if (pipeline == null || in.open()) {
      return Flow.UNKNOWN;
    }
    String base = place.config("transform");
    List<TensorSpec> out =
        pipeline.outputSpecs(
            List.copyOf(in.specs().values()),
            (path, problem) -> signatures.violation(ConfigViolation.join(base, path), problem));
    return Flow.closed(out);
  }

  /** Walks the steps backwards, each turning what is read after it into what is read before. */
  @Override
  public Demand reads(Demand after, SignatureContext signatures) {
    Demand demand = new Demand();
    demand.addAll(after);
    if (pipeline == null) {
      demand.markOpen();
      return demand;
    }
    List<TensorAccess> steps = pipeline.access();
    for (int i = steps.size() - 1; i >= 0; i--) {
      TensorAccess step = steps.get(i);
      if (!step.known()) {
        // A step that does not say what it reads may read anything.
        demand.markOpen();
        continue;
      }
      List<String> movedFrom = new ArrayList<>();
      List<TensorSpec> movedSpecs = new ArrayList<>();
      step.moves()
          .forEach(
              (output, input) -> {
                movedFrom.add(input);
                movedSpecs.add(demand.remove(output));
              });
      step.writes().forEach(demand::remove);
      if (!step.keepsOthers()) {
        demand.clear();
      }
      for (int k = 0; k < movedFrom.size(); k++) {
        demand.add(movedFrom.get(k), movedSpecs.get(k));
      }
      for (String read : step.reads()) {
        demand.add(read, expected(step, read));
      }
    }
    return demand;
  }

  private static TensorSpec expected(TensorAccess step, String read) {
    for (TensorSpec spec : step.expects()) {
      if (spec.name().equals(read)) {
        return spec;
      }
    }
    return null;
  }

  @Override
  public String describe() {
    return "transform("
        + (pipeline == null ? "not compiled" : String.join(", ", pipeline.kinds()))
        + ")";
  }
}
